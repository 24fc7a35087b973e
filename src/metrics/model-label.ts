import { sqlString } from '../store/sql-text.js';

/** The ledger's source name for seat charges (store/duckdb/ledger.ts writes every seat row with it). */
export const SEAT_SOURCE = 'directory-seats';

/**
 * The model a ledger row is shown under, as SQL over columns of alias `a` (`l.` or ''): its model, else —
 * a seat charge carries none, being no request — `seats · <tool>`, else `unknown`. Without this a model mix
 * showed a tool's seats as a model named "unknown", which reads as a data problem.
 */
export function modelLabelSql(a: string): string {
  return `coalesce(${a}model, CASE WHEN ${a}source = ${sqlString(SEAT_SOURCE)} THEN 'seats · ' || coalesce(${a}tool, 'unknown') ELSE 'unknown' END)`;
}
