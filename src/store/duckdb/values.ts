import type { DuckDBValue } from '@duckdb/node-api';
import { duckdb } from './driver.js';
import type { SqlValue } from '../db.js';

const { DuckDBDateValue, DuckDBDecimalValue, DuckDBListValue, DuckDBTimestampTZValue, DuckDBTimestampValue } =
  duckdb;

/**
 * Converts DuckDB values to the store's portable row values: decimals stay exact strings, big integers
 * become numbers (token counts stay far below 2^53), dates are 'YYYY-MM-DD', timestamps ISO strings.
 */
export function toSqlValue(value: DuckDBValue): SqlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof DuckDBDecimalValue) return value.toString();
  if (value instanceof DuckDBDateValue) return value.toString();
  if (value instanceof DuckDBTimestampTZValue || value instanceof DuckDBTimestampValue) {
    return new Date(Number(value.micros / 1000n)).toISOString();
  }
  if (value instanceof DuckDBListValue) return value.items.map(toSqlValue);
  return String(value);
}
