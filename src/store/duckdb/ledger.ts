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
import { sqlString } from '../sql-text.js';
import type { AcceptedTimes } from '../../domain/accepted-times.js';

/**
 * The shape of the derived tables below (ledger, seat_days, ledger_daily, ledger_weekly, ledger_sessions…).
 * Bump it with any change to their SQL: a store built with another version rebuilds them when it is opened.
 */
export const LEDGER_VERSION = 10;

/**
 * Seats as one billed row a day over every month the spend data touches (rebuilt before the ledger). The
 * span is derived from the data the ledger uses, never from a seat's own dates: the months of usage (of
 * outcomes only in a store with no usage at all, where seats are the only spend), clamped to the accepted
 * time range (domain/accepted-times.ts). A merged PR from 2015 read from an old repository's history, or a
 * seat held "since 2015", once laid out eleven years of seat days for every seat; now neither moves the span.
 */
export function seatDaysSql(times: AcceptedTimes): string {
  const earliest = sqlString(times.earliest.toISOString().slice(0, 10));
  const latest = sqlString(times.latest.toISOString().slice(0, 10));
  return `
CREATE OR REPLACE TABLE seat_days AS
WITH used AS (
  SELECT min(day) AS lo, max(day) AS hi FROM usage
  WHERE day BETWEEN CAST(${earliest} AS DATE) AND CAST(${latest} AS DATE)
), fallback AS (
  SELECT min(day) AS lo, max(day) AS hi FROM outcomes
  WHERE day BETWEEN CAST(${earliest} AS DATE) AND CAST(${latest} AS DATE)
), bounds AS (
  -- Seats are monthly charges: every month the data touches carries its seats in full.
  SELECT CAST(date_trunc('month', coalesce(u.lo, f.lo)) AS DATE) AS lo, last_day(coalesce(u.hi, f.hi)) AS hi
  FROM used u, fallback f
),
days AS (
  SELECT CAST(d AS DATE) AS day FROM bounds, generate_series(CAST(lo AS TIMESTAMP), CAST(hi AS TIMESTAMP), INTERVAL 1 DAY) g(d)
  WHERE lo IS NOT NULL
)
SELECT s.tool, s.plan, s.person_id, s.holder, d.day,
  CASE WHEN d.day = last_day(d.day)
    THEN CAST(s.monthly_price - CAST(s.monthly_price / day(last_day(d.day)) AS DECIMAL(18,10)) * (day(last_day(d.day)) - 1) AS DECIMAL(18,10))
    ELSE CAST(s.monthly_price / day(last_day(d.day)) AS DECIMAL(18,10))
  END AS price
FROM seat_holdings s JOIN days d
  ON (s.from_day IS NULL OR d.day >= s.from_day) AND (s.until_day IS NULL OR d.day < s.until_day);`;
}

/**
 * The ledger's entries for the days of `range`. Every cell is one stream and day, so a range of days is
 * computed exactly from that range's records alone: a large store builds its ledger a range at a time (see
 * ledgerRanges) instead of sorting every record at once.
 */
export function ledgerSelect(range: DayRange): string {
  return `
WITH base AS (
  SELECT id AS record_id, source, stream_resolved AS stream, day, granularity, start_at, tool, provider, model,
    input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, requests,
    cost, coalesce(est_cost, cost) AS est, cost_basis, person_id, team_id, workflow_id, key_hash, key_hint,
    key_name, workload_type, workspace, session_id, repo, branch
  FROM usage_identity WHERE ${inRange(range, 'day')}
  UNION ALL
  SELECT 'seat:' || sd.tool || ':' || sd.holder || ':' || CAST(sd.day AS VARCHAR), 'directory-seats',
    'seat:' || sd.tool || ':' || sd.holder, sd.day, 'day', CAST(sd.day AS TIMESTAMPTZ), sd.tool, NULL, NULL,
    0, 0, 0, 0, 0, 0, sd.price, NULL, 'billed', sd.person_id, p.team_id, NULL, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL
  FROM seat_days sd LEFT JOIN dir_people p USING (person_id) WHERE ${inRange(range, 'sd.day')}
),
sources AS (
  SELECT stream, day, source,
    max(CASE cost_basis WHEN 'billed' THEN 3 WHEN 'provider_reported' THEN 2 ELSE 1 END) AS basis_rank,
    min(CASE granularity WHEN 'request' THEN 1 WHEN 'session' THEN 2 WHEN 'hour' THEN 3 WHEN 'day' THEN 4 ELSE 5 END) AS gran_rank,
    sum(cost) AS cost_sum,
    sum(est) AS est_sum,
    bool_or(cost_basis <> 'billed' AND est IS NOT NULL) AS has_est
  FROM base GROUP BY stream, day, source
),
authority AS (
  SELECT stream, day, source AS auth_source, cost_sum AS a_total, gran_rank AS auth_gran, has_est AS auth_has_est,
    CASE basis_rank WHEN 3 THEN 'billed' WHEN 2 THEN 'provider_reported' ELSE 'list_estimate' END AS basis
  FROM (SELECT *, max(est_sum) OVER (PARTITION BY stream, day) AS cell_est FROM sources)
  -- A partial source never stands for the whole cell: without a bill, a source whose estimate falls short of
  -- the most complete one (telemetry from some people, beside a usage report of the whole org) gives way to it.
  QUALIFY row_number() OVER (PARTITION BY stream, day ORDER BY basis_rank = 3 DESC,
    coalesce(est_sum >= 0.95 * cell_est, true) DESC,
    basis_rank DESC, est_sum DESC NULLS LAST, gran_rank DESC, source) = 1
),
detail AS (
  SELECT a.stream, a.day, coalesce(d.source, a.auth_source) AS detail_source, coalesce(d.est_sum, 0) AS detail_est
  FROM authority a
  LEFT JOIN LATERAL (
    SELECT s.source, s.est_sum FROM sources s
    WHERE s.stream = a.stream AND s.day = a.day AND s.source <> a.auth_source AND s.has_est
      AND (s.gran_rank < a.auth_gran OR (s.gran_rank = a.auth_gran AND NOT a.auth_has_est))
    ORDER BY s.gran_rank, s.est_sum DESC, s.source LIMIT 1
  ) d ON true
),
reference AS (
  SELECT d.stream, d.day, r.source AS ref_source, r.est_sum AS ref_est
  FROM detail d JOIN sources r ON r.stream = d.stream AND r.day = d.day
  WHERE r.has_est AND r.source <> d.detail_source
  QUALIFY row_number() OVER (PARTITION BY d.stream, d.day ORDER BY r.est_sum DESC, r.source) = 1
),
cells AS (
  SELECT a.stream, a.day, a.auth_source, a.a_total, a.basis, d.detail_source, d.detail_est, r.ref_source,
    greatest(coalesce(r.ref_est, 0), d.detail_est) AS denom,
    d.detail_source = a.auth_source AS self_detail
  FROM authority a JOIN detail d USING (stream, day) LEFT JOIN reference r USING (stream, day)
),
detail_entries AS (
  SELECT b.*, c.basis AS ledger_basis, c.auth_source, 'detail' AS entry,
    CASE
      WHEN c.self_detail THEN b.cost
      WHEN b.est IS NULL OR c.a_total IS NULL THEN NULL
      WHEN c.denom = 0 THEN CAST(0 AS DECIMAL(18,10))
      ELSE CAST(CAST(c.a_total AS DOUBLE) * (CAST(b.est AS DOUBLE) / CAST(c.denom AS DOUBLE)) AS DECIMAL(18,10))
    END AS amount,
    1.0 AS token_share
  FROM base b JOIN cells c ON b.stream = c.stream AND b.day = c.day AND b.source = c.detail_source
),
allocated AS (
  SELECT stream, day, coalesce(sum(amount), 0) AS given FROM detail_entries GROUP BY stream, day
),
detail_by_person AS (
  SELECT stream, day, person_id, sum(est) AS covered FROM detail_entries WHERE person_id IS NOT NULL
  GROUP BY stream, day, person_id
),
carriers AS (
  SELECT b.*, c.basis AS ledger_basis, c.auth_source, c.a_total - al.given AS remainder,
    coalesce(b.est, b.cost, 0) AS carrier_weight_full,
    CASE WHEN b.person_id IS NULL OR dp.covered IS NULL THEN coalesce(b.est, b.cost, 0)
      ELSE coalesce(b.est, b.cost, 0) * greatest(0, 1 - CAST(dp.covered AS DOUBLE)
        / nullif(CAST(sum(coalesce(b.est, b.cost, 0)) OVER (PARTITION BY b.stream, b.day, b.person_id) AS DOUBLE), 0))
    END AS carrier_weight
  FROM base b
  JOIN cells c ON b.stream = c.stream AND b.day = c.day AND b.source = coalesce(c.ref_source, c.auth_source)
  JOIN allocated al ON al.stream = b.stream AND al.day = b.day
  LEFT JOIN detail_by_person dp ON dp.stream = b.stream AND dp.day = b.day AND dp.person_id = b.person_id
  WHERE NOT c.self_detail AND c.a_total IS NOT NULL
),
carrier_shares AS (
  SELECT *,
    CASE WHEN sum(carrier_weight) OVER w > 0 THEN CAST(carrier_weight AS DOUBLE) / CAST(sum(carrier_weight) OVER w AS DOUBLE)
         WHEN sum(carrier_weight_full) OVER w > 0 THEN CAST(carrier_weight_full AS DOUBLE) / CAST(sum(carrier_weight_full) OVER w AS DOUBLE)
         ELSE 1.0 / count(*) OVER w END AS share,
    row_number() OVER w2 AS pos,
    count(*) OVER w AS n
  FROM carriers
  WINDOW w AS (PARTITION BY stream, day), w2 AS (PARTITION BY stream, day ORDER BY record_id)
),
remainder_rough AS (
  SELECT *, CAST(CAST(remainder AS DOUBLE) * share AS DECIMAL(18,10)) AS rough FROM carrier_shares
),
remainder_entries AS (
  SELECT * EXCLUDE (remainder, carrier_weight, carrier_weight_full, share, pos, n, rough),
    'remainder' AS entry,
    -- the last carrier takes the rounding so the cell sums exactly to A
    CASE WHEN pos = n THEN remainder - (sum(rough) OVER (PARTITION BY stream, day) - rough) ELSE rough END AS amount,
    CASE WHEN coalesce(est, cost, 0) = 0 THEN 0.0 ELSE carrier_weight / coalesce(est, cost) END AS token_share
  FROM remainder_rough
)
SELECT record_id, source, stream, day, granularity, start_at, tool, provider, model,
  CAST(round(input_tokens * token_share) AS BIGINT) AS input_tokens,
  CAST(round(cache_read_tokens * token_share) AS BIGINT) AS cache_read_tokens,
  CAST(round(cache_write_tokens * token_share) AS BIGINT) AS cache_write_tokens,
  CAST(round(output_tokens * token_share) AS BIGINT) AS output_tokens,
  CAST(round(reasoning_tokens * token_share) AS BIGINT) AS reasoning_tokens,
  CAST(round(requests * token_share) AS BIGINT) AS requests,
  CAST(amount AS DECIMAL(18,10)) AS cost, amount IS NULL AS unpriced, ledger_basis AS basis, cost_basis AS record_basis,
  auth_source, entry, person_id, team_id, workflow_id, key_hash, key_hint, key_name, workload_type, workspace,
  session_id, repo, branch
FROM (
  SELECT * EXCLUDE (ledger_basis), ledger_basis FROM detail_entries
  UNION ALL BY NAME
  SELECT * FROM remainder_entries WHERE amount <> 0
)`;
}

/** Days from `from` (inclusive) to `until` (exclusive), org-local; null is unbounded. */
export interface DayRange {
  from: string | null;
  until: string | null;
}

export const ALL_DAYS: DayRange = { from: null, until: null };

function inRange(r: DayRange, column: string): string {
  const parts: string[] = [];
  // The bounds come from the store's own day column (YYYY-MM-DD), never from input.
  if (r.from !== null) parts.push(`${column} >= DATE ${sqlString(r.from)}`);
  if (r.until !== null) parts.push(`${column} < DATE ${sqlString(r.until)}`);
  return parts.length ? parts.join(' AND ') : 'true';
}

/**
 * Day ranges, together covering every day exactly once, holding about `perRange` records each, from the
 * records per day in day order. A store under that size is one range: the whole ledger in one statement.
 * Past it, each range is a separate insert, so the sorts and windows of the allocation work on one range's
 * records at a time and memory stays bounded whatever the store's size.
 */
export function ledgerRanges(
  perDay: readonly { day: string; records: number }[],
  perRange: number,
): DayRange[] {
  const cuts: string[] = [];
  let held = 0;
  for (const { day, records } of perDay) {
    if (held > 0 && held + records > perRange) {
      cuts.push(day);
      held = 0;
    }
    held += records;
  }
  const bounds = [null, ...cuts, null];
  return bounds.slice(1).map((until, i) => ({ from: bounds[i] ?? null, until }));
}

/** Records per day, in day order: what ledgerRanges cuts by. */
export const RECORDS_PER_DAY_SQL = `SELECT CAST(day AS VARCHAR) AS day, count(*) AS records FROM usage GROUP BY day ORDER BY day`;

/** Records per ledger range: past this, the ledger is built a range at a time. */
export const LEDGER_RANGE_RECORDS = 4_000_000;

/**
 * The ledger rolled up to one row per day and attribution (person, team, key, workflow, model, tool, stream,
 * basis…), sorted by day: what every metric reads unless it needs a record (`ledger_sessions` keeps sessions). Most queries then
 * scan a fraction of the rows, and day ranges prune whole row groups. `records` keeps the count of ledger
 * entries behind each row. Amounts stay DECIMAL: each row's sum is exact.
 */
const ATTRIBUTION = `source, stream, tool, provider, model, basis, record_basis, auth_source, entry,
  unpriced, person_id, team_id, workflow_id, key_hash, key_hint, key_name, workload_type, workspace, repo`;
const ROLLUP_DIMENSIONS = `day, ${ATTRIBUTION}`;

/** The summed columns of a rollup; `records` counts the ledger entries behind a row (given as SQL). */
const rollupSums = (records: string) => `CAST(sum(input_tokens) AS BIGINT) AS input_tokens,
  CAST(sum(cache_read_tokens) AS BIGINT) AS cache_read_tokens, CAST(sum(cache_write_tokens) AS BIGINT) AS cache_write_tokens,
  CAST(sum(output_tokens) AS BIGINT) AS output_tokens, CAST(sum(reasoning_tokens) AS BIGINT) AS reasoning_tokens,
  CAST(sum(requests) AS BIGINT) AS requests, CAST(sum(cost) AS DECIMAL(18,10)) AS cost, ${records} AS records`;
const ROLLUP_SUMS = rollupSums('count(*)');

export const LEDGER_ROLLUPS_SQL = `
CREATE OR REPLACE TABLE ledger_daily AS
SELECT ${ROLLUP_DIMENSIONS}, ${ROLLUP_SUMS}
FROM ledger
GROUP BY ALL
ORDER BY day;

-- The same per ISO week, \`day\` being the week's Monday: a statement over whole weeks reads it instead of the
-- days (src/metrics/rollup.ts), a sixth of the rows. \`top_cost\` is the costliest day row behind each week row,
-- so "the model of the costliest row" names the same model at either grain.
CREATE OR REPLACE TABLE ledger_weekly AS
SELECT CAST(date_trunc('week', day) AS DATE) AS day, ${ATTRIBUTION}, ${rollupSums('CAST(sum(records) AS BIGINT)')},
  max(cost) AS top_cost
FROM ledger_daily
GROUP BY ALL
ORDER BY day;

-- The days each source reported on (stored records, not the ledger: a source the ledger outranks in a cell
-- still reported), for the data-gap check, which would otherwise scan every record.
CREATE OR REPLACE TABLE usage_days AS
SELECT source, day, count(*) AS records FROM usage WHERE counted GROUP BY ALL ORDER BY day;

-- The same per session (a session's entries of one day and attribution), for the session metrics.
CREATE OR REPLACE TABLE ledger_sessions AS
SELECT session_id, ${ROLLUP_DIMENSIONS}, ${ROLLUP_SUMS}
FROM ledger WHERE session_id IS NOT NULL
GROUP BY ALL
ORDER BY day;
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
CREATE OR REPLACE TABLE ledger_pr_parts AS
SELECT ps.pr_id, l.day, ps.session, l.person_id, l.team_id, l.workflow_id, l.tool, l.model, l.key_hash, l.key_hint,
  l.unpriced, CAST(sum(l.cost) AS DECIMAL(18,10)) AS cost, max(l.cost) AS top, count(*) AS records
FROM pr_sessions ps JOIN ledger l ON l.record_id = ps.record_id
GROUP BY ALL
ORDER BY pr_id, day;

CREATE OR REPLACE TABLE ledger_prs AS
SELECT pr_id, day, person_id, team_id, workflow_id, tool, model, unpriced,
  CAST(sum(cost) AS DECIMAL(18,10)) AS cost, CAST(sum(records) AS BIGINT) AS records
FROM ledger_pr_parts
GROUP BY ALL
ORDER BY day;
`;
