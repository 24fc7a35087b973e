import { describePrivacyMatrix } from './support/privacy-matrix.js';

// Half of the matrix's audiences, measured to take about as long as the other half
// (privacy-matrix-audiences.test.ts), so that the two files run side by side on vitest's two workers.
describePrivacyMatrix(['viewer, hidden', 'manager of payments and solo, hidden'], 'viewer-manager');
