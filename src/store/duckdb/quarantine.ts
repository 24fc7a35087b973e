import { sqlString } from '../sql-text.js';
import type { AcceptedTimes } from '../../domain/accepted-times.js';
import { RECORD_BOUNDS } from '../../domain/record-bounds.js';

/**
 * Stored rows outside the bounds every ingest path now applies (domain/record-bounds.ts) — written by an
 * older Mileage, or by any path that slipped — are moved to `quarantine` before the pricing pass and the
 * ledger read them. One such row (9e18 tokens, a cost of 1e20, a day in the year 9999) once overflowed the
 * store's decimals or laid out millions of seat days, and failed every later ingest, `prices apply` and
 * server refresh. Moved, not deleted: `quarantine` keeps each row as JSON with the reason, for a person to
 * read; nothing in it counts anywhere.
 */
export const QUARANTINE_TABLE_SQL = `CREATE TABLE IF NOT EXISTS quarantine (
  table_name VARCHAR NOT NULL, id VARCHAR, reason VARCHAR NOT NULL, row_json VARCHAR NOT NULL,
  quarantined_at TIMESTAMPTZ NOT NULL)`;

const TOKEN_COLUMNS = [
  'input_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'output_tokens',
  'reasoning_tokens',
];

function timeOutside(column: string, times: AcceptedTimes, quote: (s: string) => string): string {
  return `(${column} < CAST(${quote(times.earliest.toISOString())} AS TIMESTAMPTZ) OR ${column} > CAST(${quote(times.latest.toISOString())} AS TIMESTAMPTZ))`;
}

/** One `reason` expression per table: NULL for a row within bounds. */
export function quarantineReasons(
  times: AcceptedTimes,
  quote: (s: string) => string,
): { table: string; reason: string }[] {
  const minutes = `greatest(1, ceil(date_diff('second', start_at, end_at) / 60.0))`;
  const tokenLimit = `CASE WHEN granularity = 'request' THEN ${RECORD_BOUNDS.tokensPerRequest} ELSE greatest(${RECORD_BOUNDS.tokensPerRequest}, ${RECORD_BOUNDS.tokensPerMinute} * ${minutes}) END`;
  const requestLimit = `CASE WHEN granularity = 'request' THEN ${RECORD_BOUNDS.requestsPerRequestRecord} ELSE greatest(${RECORD_BOUNDS.requestsPerRequestRecord}, ${RECORD_BOUNDS.requestsPerMinute} * ${minutes}) END`;
  const usage = `CASE
    WHEN ${timeOutside('start_at', times, quote)} THEN 'start outside the accepted range'
    WHEN ${timeOutside('end_at', times, quote)} THEN 'end outside the accepted range'
    WHEN end_at < start_at THEN 'end before start'
    ${TOKEN_COLUMNS.map((c) => `WHEN ${c} < 0 OR ${c} > ${tokenLimit} THEN ${sqlString(`${c} out of bounds`)}`).join('\n    ')}
    WHEN requests < 0 OR requests > ${requestLimit} THEN 'requests out of bounds'
    WHEN abs(cost) > ${RECORD_BOUNDS.amountUsd} THEN 'cost out of bounds'
    WHEN abs(est_cost) > ${RECORD_BOUNDS.amountUsd} THEN 'estimate out of bounds'
    WHEN length(model) > ${RECORD_BOUNDS.nameChars} THEN 'model name too long' END`;
  const outcomes = `CASE
    WHEN ${timeOutside('occurred_at', times, quote)} THEN 'time outside the accepted range'
    WHEN ${timeOutside('opened_at', times, quote)} THEN 'opened outside the accepted range'
    WHEN isnan(points) OR isinf(points) OR points < 0 OR points > ${RECORD_BOUNDS.points} THEN 'points out of bounds'
    WHEN abs(value) > ${RECORD_BOUNDS.amountUsd} THEN 'value out of bounds'
    WHEN count < 0 OR count > ${RECORD_BOUNDS.wholeCount} THEN 'count out of bounds' END`;
  const seats = `CASE
    WHEN period_start < CAST(${quote(times.earliest.toISOString())} AS TIMESTAMPTZ)
      OR period_start > CAST(${quote(times.latest.toISOString())} AS TIMESTAMPTZ) THEN 'period start outside the accepted range'
    WHEN monthly_price < 0 OR monthly_price > ${RECORD_BOUNDS.seatMonthlyUsd} THEN 'price out of bounds' END`;
  return [
    { table: 'usage', reason: usage },
    { table: 'outcomes', reason: outcomes },
    { table: 'seat_records', reason: seats },
  ];
}

/** Statements that move the rows of `table` failing `reason` into quarantine; run only when some fail. */
export function quarantineSql(table: string, reason: string): { count: string; move: string[] } {
  return {
    count: `SELECT count(*) AS n FROM ${table} WHERE (${reason}) IS NOT NULL`,
    move: [
      `INSERT INTO quarantine SELECT ${sqlString(table)}, t.id, ${reason}, CAST(to_json(t) AS VARCHAR), now() FROM ${table} t WHERE (${reason}) IS NOT NULL`,
      `DELETE FROM ${table} WHERE (${reason}) IS NOT NULL`,
    ],
  };
}
