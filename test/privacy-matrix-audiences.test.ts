import { describePrivacyMatrix } from './support/privacy-matrix.js';

// The other half of the matrix's audiences (see privacy-matrix.test.ts and test/support/privacy-matrix.ts).
describePrivacyMatrix(['admin, hidden', 'viewer, team'], 'admin-team');
