import { createRequire } from 'node:module';
import type * as DuckDB from '@duckdb/node-api';

/**
 * The DuckDB driver, loaded with `require`. It is a CommonJS package of some 120 files: imported as an ES
 * module, Node scans every one of them for its named exports first, and loading it took 0.32 s against
 * 0.12 s through `require` (Node 20), most of the fixed cost of a command that opens a store.
 */
export const duckdb = createRequire(import.meta.url)('@duckdb/node-api') as typeof DuckDB;
