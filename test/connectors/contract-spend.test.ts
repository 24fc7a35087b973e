import { contractSuite } from './contract-suite.js';
import { CONTRACT_CASES } from './contract-table.js';

// Vendor and gateway spend connectors; forges and trackers run in contract-delivery.test.ts.
contractSuite(CONTRACT_CASES.filter((c) => c.read.name !== 'storedOutcomes'));
