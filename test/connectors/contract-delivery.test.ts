import { contractSuite } from './contract-suite.js';
import { CONTRACT_CASES } from './contract-table.js';

// Forges and trackers (outcomes); the spend connectors run in contract-spend.test.ts, beside this file.
contractSuite(CONTRACT_CASES.filter((c) => c.read.name === 'storedOutcomes'));
