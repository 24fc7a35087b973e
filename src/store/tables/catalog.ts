import { OUTCOMES_TABLE } from './outcomes-table.js';
import type { TableSpec } from './columns.js';
import { USAGE_TABLE } from './usage-table.js';

/** The fact tables both engines hold, defined once (DDL and writers' column lists are generated from these). */
export const FACT_TABLES: readonly TableSpec[] = [USAGE_TABLE, OUTCOMES_TABLE];
