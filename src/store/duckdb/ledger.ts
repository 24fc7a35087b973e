/**
 * The ledger: one rule that keeps the same dollar from being counted twice across sources.
 *
 * For each spend stream and (org-local) day — a "cell":
 * 1. authority: the source with the best basis (billed > provider_reported > list_estimate; ties go to the
 *    larger estimate, then the coarser source). Its records' cost is the cell's authoritative total A. Without
 *    a billed source, only a complete source may be the authority: one whose estimate is within 5% of the
 *    cell's most complete estimate, so that telemetry from a few people never stands for a whole org's day.
 * 2. detail: the finest other source that carries estimates (not coarser than the authority; at equal
 *    granularity only when the authority is money-only, like a cost report). Each detail record receives
 *    A × its share of the cell's estimated cost, where the cell's estimated cost is the larger of the
 *    detail's own estimate and the most complete other estimate (the reference). With no such source the
 *    authority's own records are the detail, at their own cost.
 * 3. remainder: A minus what detail received stays in the stream as unattributed-to-detail, carried by the
 *    reference records (or the authority's) in proportion to what detail did not already cover for the same
 *    person, so it keeps whatever attribution those records have (a key, a workspace, a person).
 * Seats are cells of their own: `seat:<tool>:<holder>`, one billed row a day (monthly price / days in the
 * month, the month's last day taking the rounding) over every month the data touches, allocated to the usage
 * under that seat. Seats come from seat_holdings (vendor seat lists, else mileage.yaml); the ledger labels
 * every seat row with the source `directory-seats` so metrics tell seat charges from usage by one name. A
 * seat without a price is unpriced (NULL), never $0.
 * The allocation ratio is a float; every amount is DECIMAL and the remainder is computed by subtraction, so
 * each cell's entries sum exactly to A.
 */
import type { AcceptedTimes } from '../../domain/accepted-times.js';
import { duckdbDialect } from '../sql/duckdb-dialect.js';
import {
  ALL_DAYS,
  ledgerDailySelect,
  ledgerPrPartsSelect,
  ledgerPrsSelect,
  LEDGER_RANGE_RECORDS,
  ledgerRanges,
  ledgerSelect as ledgerSelectFor,
  ledgerSessionsSelect,
  ledgerWeeklySelect,
  seatDaysSelect,
  usageDaysSelect,
  type DayRange,
} from '../sql/ledger-select.js';

/**
 * The shape of the derived tables below (ledger, seat_days, ledger_daily, ledger_weekly, ledger_sessions…).
 * Bump it with any change to their SQL: a store built with another version rebuilds them when it is opened.
 */
export const LEDGER_VERSION = 10;

/**
 * Seats as one billed row a day over every month the spend data touches (rebuilt before the ledger). The
 * span is derived from the data the ledger uses, never from a seat's own dates: a merged PR from 2015 read
 * from an old repository's history, or a seat held "since 2015", once laid out eleven years of seat days for
 * every seat; now neither moves the span (sql/ledger-select.ts).
 */
export function seatDaysSql(times: AcceptedTimes): string {
  return `CREATE OR REPLACE TABLE seat_days AS ${seatDaysSelect(times, duckdbDialect)};`;
}

/** The ledger's entries for the days of `range` (sql/ledger-select.ts, written once for both engines). */
export function ledgerSelect(range: DayRange): string {
  return ledgerSelectFor(range, duckdbDialect);
}

export { ALL_DAYS, LEDGER_RANGE_RECORDS, ledgerRanges, type DayRange };

/** Records per day, in day order: what ledgerRanges cuts by. */
export const RECORDS_PER_DAY_SQL = `SELECT CAST(day AS VARCHAR) AS day, count(*) AS records FROM usage GROUP BY day ORDER BY day`;

/**
 * The ledger's rollups (sql/ledger-select.ts), sorted by day so day ranges prune whole row groups: ledger_daily
 * (what most metrics read), ledger_weekly (whole weeks, a sixth of the rows), usage_days (the days each source
 * reported on, for the data-gap check) and ledger_sessions (per session).
 */
export const LEDGER_ROLLUPS_SQL = `
CREATE OR REPLACE TABLE ledger_daily AS ${ledgerDailySelect(duckdbDialect)} ORDER BY day;
CREATE OR REPLACE TABLE ledger_weekly AS ${ledgerWeeklySelect(duckdbDialect)} ORDER BY day;
CREATE OR REPLACE TABLE usage_days AS ${usageDaysSelect()} ORDER BY day;
CREATE OR REPLACE TABLE ledger_sessions AS ${ledgerSessionsSelect(duckdbDialect)} ORDER BY day;
`;

/**
 * Ledger entries the session → PR join tied to a PR (pr_sessions, built after the ledger):
 * - `ledger_pr_parts`, summed per PR, day, session, attribution and API key and sorted by PR: one PR's
 *   drill-down reads a few rows instead of every ledger entry of the PR's days. `top` is the costliest single
 *   entry of a row (the drill-down names the model of a session's costliest entry).
 * - `ledger_prs`, the same summed per PR, day and attribution and sorted by day: what cost per PR reads,
 *   instead of joining every entry of the window on its record id. Summed from the parts (the join is done once).
 */
export const LEDGER_PRS_SQL = `
CREATE OR REPLACE TABLE ledger_pr_parts AS ${ledgerPrPartsSelect(duckdbDialect)} ORDER BY pr_id, day;
CREATE OR REPLACE TABLE ledger_prs AS ${ledgerPrsSelect(duckdbDialect)} ORDER BY day;
`;
