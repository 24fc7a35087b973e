import { sqlString } from '../sql-text.js';
import type { ParamType, SqlDialect } from './dialect.js';

const CAST: Record<ParamType, string | null> = {
  String: null,
  Date: 'DATE',
  Int64: 'BIGINT',
  Float64: 'DOUBLE',
  Bool: 'BOOLEAN',
};

const NULL_TYPES = { timestamp: 'TIMESTAMPTZ', money: 'DECIMAL(18,10)', text: 'VARCHAR', date: 'DATE' };

/** DuckDB's spelling of the dialect pieces (see dialect.ts). */
export const duckdbDialect: SqlDialect = {
  name: 'duckdb',
  param(name, type) {
    const cast = CAST[type];
    return cast === null ? `$${name}` : `CAST($${name} AS ${cast})`;
  },
  median: (expr) => `median(CAST(${expr} AS DOUBLE))`,
  quantile: (expr, q) => `quantile_cont(CAST(${expr} AS DOUBLE), ${quantileLiteral(q)})`,
  argMax: (value, ...by) =>
    by.length === 1 ? `arg_max(${value}, ${by[0]})` : `arg_max(${value}, row(${by.join(', ')}))`,
  distinctList: (expr) => `list(DISTINCT ${expr}) FILTER (WHERE ${expr} IS NOT NULL)`,
  sortedText: (expr, separator) => `string_agg(DISTINCT ${expr}, ${sqlString(separator)} ORDER BY ${expr})`,
  anyTrue: (cond) => `bool_or(${cond})`,
  daySeries: (from, until) =>
    `(SELECT CAST(d AS DATE) AS day FROM generate_series(CAST(${from} AS TIMESTAMP), CAST(${until} AS TIMESTAMP) - INTERVAL 1 DAY, INTERVAL 1 DAY) g(d))`,
  isoWeekday: (day) => `isodow(${day})`,
  weekStart: (day) => `CAST(date_trunc('week', ${day}) AS DATE)`,
  monthStart: (day) => `CAST(date_trunc('month', ${day}) AS DATE)`,
  monthEnd: (day) => `last_day(${day})`,
  daysInMonth: (day) => `day(last_day(${day}))`,
  money: (expr) => `CAST(${expr} AS DECIMAL(18,10))`,
  decimal: (expr, scale) => `CAST(${expr} AS DECIMAL(18,${scaleLiteral(scale)}))`,
  moneyTimes: (a, b) => `CAST(${a} * ${b} AS DECIMAL(18,10))`,
  text: (expr) => `CAST(${expr} AS VARCHAR)`,
  double: (expr) => `CAST(${expr} AS DOUBLE)`,
  roundHalfAway: (expr) => `round(${expr})`,
  dayStart: (day) => `CAST(${day} AS TIMESTAMPTZ)`,
  isoInstant: (expr) => `strftime(${expr} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ')`,
  listJson: (expr) => `CASE WHEN len(${expr}) > 0 THEN CAST(to_json(${expr}) AS VARCHAR) END`,
  nullOf: (type) => `CAST(NULL AS ${NULL_TYPES[type]})`,
  sessionSettings: {},
};

/** A decimal scale as SQL text: an integer in [0, 18] from the statement's own code. */
export function scaleLiteral(scale: number): string {
  if (!Number.isInteger(scale) || scale < 0 || scale > 18)
    throw new Error(`a decimal scale is 0–18, not ${scale}`);
  return String(scale);
}

/** A quantile's level as SQL text: a number in [0, 1] from the statement's own code, never from input. */
export function quantileLiteral(q: number): string {
  if (!(q >= 0 && q <= 1)) throw new Error(`a quantile level is in [0, 1], not ${q}`);
  return String(q);
}
