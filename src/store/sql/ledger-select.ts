/**
 * The ledger's SQL, written once for both engines (the rule itself is described in duckdb/ledger.ts and
 * DESIGN.md, "The ledger: no double counting"). Each function returns a SELECT; the engines differ only in how
 * they store it (DuckDB: `CREATE OR REPLACE TABLE … AS`, one transaction; ClickHouse: `INSERT … SELECT` into
 * month partitions, see clickhouse/ledger-build.ts). The few pieces the engines spell or compute differently
 * come from the dialect (sql/dialect.ts): money rescaling, rounding of token shares, typed NULLs, calendar
 * pieces. Everything is plain SQL both run: no `LATERAL`, no `* EXCLUDE`, no `UNION … BY NAME`.
 */
import type { AcceptedTimes } from '../../domain/accepted-times.js';
import { sqlString } from '../sql-text.js';
import type { SqlDialect } from './dialect.js';

/** Days from `from` (inclusive) to `until` (exclusive), org-local; null is unbounded. */
export interface DayRange {
  from: string | null;
  until: string | null;
}

export const ALL_DAYS: DayRange = { from: null, until: null };

/** `column` within `r`, as SQL (the bounds come from the store's own day column, never from input). */
export function inRange(r: DayRange, column: string): string {
  const parts: string[] = [];
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

/** Records per ledger range: past this, the ledger is built a range at a time. */
export const LEDGER_RANGE_RECORDS = 4_000_000;

/**
 * Seats as one billed row a day over every month the spend data touches: the months of usage (of outcomes
 * only in a store with no usage at all), clamped to the accepted time range. Each day carries the monthly
 * price / days in the month; the month's last day takes the rounding, so a month sums to the price exactly.
 */
export function seatDaysSelect(times: AcceptedTimes, d: SqlDialect): string {
  const earliest = sqlString(times.earliest.toISOString().slice(0, 10));
  const latest = sqlString(times.latest.toISOString().slice(0, 10));
  const daily = d.money(`${d.double('s.monthly_price')} / ${d.daysInMonth('d.day')}`);
  return `
WITH used AS (
  SELECT min(day) AS lo, max(day) AS hi FROM usage
  WHERE day BETWEEN CAST(${earliest} AS DATE) AND CAST(${latest} AS DATE)
), fallback AS (
  SELECT min(day) AS lo, max(day) AS hi FROM outcomes
  WHERE day BETWEEN CAST(${earliest} AS DATE) AND CAST(${latest} AS DATE)
), bounds AS (
  -- Seats are monthly charges: every month the data touches carries its seats in full.
  SELECT ${d.monthStart('coalesce(u.lo, f.lo)')} AS lo, ${d.monthEnd('coalesce(u.hi, f.hi)')} AS hi
  FROM used u, fallback f
),
days AS (
  SELECT day FROM ${d.daySeries(
    `coalesce((SELECT lo FROM bounds), DATE '1970-01-01')`,
    `coalesce((SELECT hi FROM bounds) + 1, DATE '1970-01-01')`,
  )} g
)
SELECT s.tool, s.plan, s.person_id, s.holder, d.day,
  CASE WHEN d.day = ${d.monthEnd('d.day')}
    THEN ${d.money(`s.monthly_price - ${daily} * (${d.daysInMonth('d.day')} - 1)`)}
    ELSE ${daily}
  END AS price
FROM seat_holdings s JOIN days d
  ON (s.from_day IS NULL OR d.day >= s.from_day) AND (s.until_day IS NULL OR d.day < s.until_day)`;
}

/** The columns of one spend record as the ledger's allocation reads it (the `base` relation below). */
const BASE = [
  'record_id',
  'source',
  'stream',
  'day',
  'granularity',
  'start_at',
  'tool',
  'provider',
  'model',
  'input_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'output_tokens',
  'reasoning_tokens',
  'requests',
  'cost',
  'est',
  'cost_basis',
  'person_id',
  'team_id',
  'workflow_id',
  'key_hash',
  'key_hint',
  'key_name',
  'workload_type',
  'workspace',
  'session_id',
  'repo',
  'branch',
] as const;

/** An allocation's entries: the base columns, then what the rule adds to each. */
const ENTRY = [...BASE, 'ledger_basis', 'auth_source', 'entry', 'amount', 'token_share'];

const cols = (alias: string | null, names: readonly string[]) =>
  names.map((c) => (alias ? `${alias}.${c} AS ${c}` : c)).join(', ');

/**
 * The ledger's entries for the days of `range`. Every cell is one stream and day, so a range of days is
 * computed exactly from that range's records alone: a large store builds its ledger a range at a time.
 */
export function ledgerSelect(range: DayRange, d: SqlDialect): string {
  const weight = 'coalesce(b.est, b.cost, 0)';
  return `
WITH base AS (
  SELECT id AS record_id, source, stream_resolved AS stream, day, granularity, start_at, tool, provider, model,
    input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, requests,
    cost, coalesce(est_cost, cost) AS est, cost_basis, person_id, team_id, workflow_id, key_hash, key_hint,
    key_name, workload_type, workspace, session_id, repo, branch
  FROM usage_identity WHERE ${inRange(range, 'day')}
  UNION ALL
  SELECT 'seat:' || sd.tool || ':' || sd.holder || ':' || ${d.text('sd.day')}, 'directory-seats',
    'seat:' || sd.tool || ':' || sd.holder, sd.day, 'day', ${d.dayStart('sd.day')}, sd.tool, NULL, NULL,
    0, 0, 0, 0, 0, 0, sd.price, NULL, 'billed', sd.person_id, p.team_id, NULL, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL
  FROM seat_days sd LEFT JOIN dir_people p ON p.person_id = sd.person_id WHERE ${inRange(range, 'sd.day')}
),
sources AS (
  SELECT stream, day, source,
    max(CASE cost_basis WHEN 'billed' THEN 3 WHEN 'provider_reported' THEN 2 ELSE 1 END) AS basis_rank,
    min(CASE granularity WHEN 'request' THEN 1 WHEN 'session' THEN 2 WHEN 'hour' THEN 3 WHEN 'day' THEN 4 ELSE 5 END) AS gran_rank,
    sum(cost) AS cost_sum,
    sum(est) AS est_sum,
    ${d.anyTrue("cost_basis <> 'billed' AND est IS NOT NULL")} AS has_est
  FROM base GROUP BY stream, day, source
),
authority AS (
  SELECT stream, day, source AS auth_source, cost_sum AS a_total, gran_rank AS auth_gran, has_est AS auth_has_est,
    CASE basis_rank WHEN 3 THEN 'billed' WHEN 2 THEN 'provider_reported' ELSE 'list_estimate' END AS basis
  FROM (SELECT *, max(est_sum) OVER (PARTITION BY stream, day) AS cell_est FROM sources) ranked
  -- A partial source never stands for the whole cell: without a bill, a source whose estimate falls short of
  -- the most complete one (telemetry from some people, beside a usage report of the whole org) gives way to it.
  -- (est ≥ 95% of the cell's, in exact decimals on both engines: est × 20 ≥ cell × 19.)
  QUALIFY row_number() OVER (PARTITION BY stream, day ORDER BY basis_rank = 3 DESC,
    coalesce(est_sum * 20 >= cell_est * 19, true) DESC,
    basis_rank DESC, est_sum DESC NULLS LAST, gran_rank DESC, source) = 1
),
-- The detail source of each cell: the finest other source with estimates (not coarser than the authority; at
-- equal granularity only when the authority is money-only), else the authority itself.
detail_pick AS (
  SELECT a.stream AS stream, a.day AS day, s.source AS source, s.est_sum AS est_sum
  FROM authority a JOIN sources s ON s.stream = a.stream AND s.day = a.day
  WHERE s.source <> a.auth_source AND s.has_est
    AND (s.gran_rank < a.auth_gran OR (s.gran_rank = a.auth_gran AND NOT a.auth_has_est))
  QUALIFY row_number() OVER (PARTITION BY a.stream, a.day ORDER BY s.gran_rank, s.est_sum DESC NULLS LAST, s.source) = 1
),
detail AS (
  SELECT a.stream AS stream, a.day AS day, coalesce(dp.source, a.auth_source) AS detail_source,
    coalesce(dp.est_sum, ${d.money('0')}) AS detail_est
  FROM authority a LEFT JOIN detail_pick dp ON dp.stream = a.stream AND dp.day = a.day
),
reference AS (
  SELECT dt.stream AS stream, dt.day AS day, r.source AS ref_source, r.est_sum AS ref_est
  FROM detail dt JOIN sources r ON r.stream = dt.stream AND r.day = dt.day
  WHERE r.has_est AND r.source <> dt.detail_source
  QUALIFY row_number() OVER (PARTITION BY dt.stream, dt.day ORDER BY r.est_sum DESC NULLS LAST, r.source) = 1
),
cells AS (
  SELECT a.stream AS stream, a.day AS day, a.auth_source AS auth_source, a.a_total AS a_total, a.basis AS basis,
    dt.detail_source AS detail_source, dt.detail_est AS detail_est, r.ref_source AS ref_source,
    greatest(coalesce(r.ref_est, ${d.money('0')}), dt.detail_est) AS denom,
    dt.detail_source = a.auth_source AS self_detail
  FROM authority a JOIN detail dt ON dt.stream = a.stream AND dt.day = a.day
  LEFT JOIN reference r ON r.stream = a.stream AND r.day = a.day
),
detail_entries AS (
  SELECT ${cols('b', BASE)}, c.basis AS ledger_basis, c.auth_source AS auth_source, 'detail' AS entry,
    CASE
      WHEN c.self_detail THEN b.cost
      WHEN b.est IS NULL OR c.a_total IS NULL THEN NULL
      WHEN c.denom = 0 THEN ${d.money('0')}
      ELSE ${d.money(`${d.double('c.a_total')} * (${d.double('b.est')} / ${d.double('c.denom')})`)}
    END AS amount,
    1.0 AS token_share
  FROM base b JOIN cells c ON b.stream = c.stream AND b.day = c.day AND b.source = c.detail_source
),
allocated AS (
  SELECT stream, day, coalesce(sum(amount), ${d.money('0')}) AS given FROM detail_entries GROUP BY stream, day
),
detail_by_person AS (
  SELECT stream, day, person_id, sum(est) AS covered FROM detail_entries WHERE person_id IS NOT NULL
  GROUP BY stream, day, person_id
),
carriers AS (
  SELECT ${cols('b', BASE)}, c.basis AS ledger_basis, c.auth_source AS auth_source, c.a_total - al.given AS remainder,
    ${weight} AS carrier_weight_full,
    CASE WHEN b.person_id IS NULL OR dbp.covered IS NULL THEN ${d.double(weight)}
      ELSE ${d.double(weight)} * greatest(0, 1 - ${d.double('dbp.covered')}
        / nullif(${d.double(`sum(${weight}) OVER (PARTITION BY b.stream, b.day, b.person_id)`)}, 0))
    END AS carrier_weight
  FROM base b
  JOIN cells c ON b.stream = c.stream AND b.day = c.day AND b.source = coalesce(c.ref_source, c.auth_source)
  JOIN allocated al ON al.stream = b.stream AND al.day = b.day
  LEFT JOIN detail_by_person dbp ON dbp.stream = b.stream AND dbp.day = b.day AND dbp.person_id = b.person_id
  WHERE NOT c.self_detail AND c.a_total IS NOT NULL
),
carrier_shares AS (
  SELECT *,
    CASE WHEN sum(carrier_weight) OVER w > 0 THEN carrier_weight / sum(carrier_weight) OVER w
         WHEN sum(carrier_weight_full) OVER w > 0 THEN ${d.double('carrier_weight_full')} / ${d.double('sum(carrier_weight_full) OVER w')}
         ELSE 1.0 / count(*) OVER w END AS share,
    row_number() OVER w2 AS pos,
    count(*) OVER w AS n
  FROM carriers
  WINDOW w AS (PARTITION BY stream, day), w2 AS (PARTITION BY stream, day ORDER BY record_id)
),
remainder_rough AS (
  SELECT *, ${d.money(`${d.double('remainder')} * share`)} AS rough FROM carrier_shares
),
remainder_entries AS (
  SELECT ${cols(null, BASE)}, ledger_basis, auth_source, 'remainder' AS entry,
    -- the last carrier takes the rounding so the cell sums exactly to A
    CASE WHEN pos = n THEN remainder - (sum(rough) OVER (PARTITION BY stream, day) - rough) ELSE rough END AS amount,
    CASE WHEN coalesce(est, cost, 0) = 0 THEN 0.0 ELSE carrier_weight / ${d.double('coalesce(est, cost)')} END AS token_share
  FROM remainder_rough
)
SELECT record_id, source, stream, day, granularity, start_at, tool, provider, model,
  CAST(${d.roundHalfAway('input_tokens * token_share')} AS BIGINT) AS input_tokens,
  CAST(${d.roundHalfAway('cache_read_tokens * token_share')} AS BIGINT) AS cache_read_tokens,
  CAST(${d.roundHalfAway('cache_write_tokens * token_share')} AS BIGINT) AS cache_write_tokens,
  CAST(${d.roundHalfAway('output_tokens * token_share')} AS BIGINT) AS output_tokens,
  CAST(${d.roundHalfAway('reasoning_tokens * token_share')} AS BIGINT) AS reasoning_tokens,
  CAST(${d.roundHalfAway('requests * token_share')} AS BIGINT) AS requests,
  ${d.money('amount')} AS cost, CAST(amount IS NULL AS BOOLEAN) AS unpriced, ledger_basis AS basis, cost_basis AS record_basis,
  auth_source, entry, person_id, team_id, workflow_id, key_hash, key_hint, key_name, workload_type, workspace,
  session_id, repo, branch
FROM (
  SELECT ${cols(null, ENTRY)} FROM detail_entries
  UNION ALL
  SELECT ${cols(null, ENTRY)} FROM remainder_entries WHERE amount <> 0
) entries`;
}

/** The attribution of a rollup row: every ledger column a metric groups or filters by. */
export const ATTRIBUTION = `source, stream, tool, provider, model, basis, record_basis, auth_source, entry,
  unpriced, person_id, team_id, workflow_id, key_hash, key_hint, key_name, workload_type, workspace, repo`;

/** The summed columns every rollup carries. */
const ROLLUP_SUMMED = [
  'input_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'output_tokens',
  'reasoning_tokens',
  'requests',
  'cost',
  'records',
];

/**
 * A rollup's columns, in order, for statements that carry every one of them through a join (ClickHouse names
 * the columns of `l.*` after their table when a joined relation shares a name, so they are listed).
 */
export function rollupColumns(rollup: 'ledger_daily' | 'ledger_weekly' | 'ledger_sessions'): string[] {
  const attribution = ATTRIBUTION.split(',').map((c) => c.trim());
  const head = rollup === 'ledger_sessions' ? ['session_id', 'day'] : ['day'];
  const tail = rollup === 'ledger_weekly' ? ['top_cost'] : [];
  return [...head, ...attribution, ...ROLLUP_SUMMED, ...tail];
}

/** The summed columns of a rollup; `records` counts the ledger entries behind a row (given as SQL). */
function rollupSums(records: string, d: SqlDialect): string {
  return `CAST(sum(input_tokens) AS BIGINT) AS input_tokens,
  CAST(sum(cache_read_tokens) AS BIGINT) AS cache_read_tokens, CAST(sum(cache_write_tokens) AS BIGINT) AS cache_write_tokens,
  CAST(sum(output_tokens) AS BIGINT) AS output_tokens, CAST(sum(reasoning_tokens) AS BIGINT) AS reasoning_tokens,
  CAST(sum(requests) AS BIGINT) AS requests, ${d.money('sum(cost)')} AS cost, ${records} AS records`;
}

/**
 * The ledger rolled up to one row per day and attribution: what every metric reads unless it needs a record.
 * `records` keeps the count of ledger entries behind each row. Amounts stay decimal: each row's sum is exact.
 */
export function ledgerDailySelect(d: SqlDialect, where = 'true'): string {
  return `SELECT day, ${ATTRIBUTION}, ${rollupSums('count(*)', d)}
FROM ledger WHERE ${where}
GROUP BY ALL`;
}

/**
 * The same per ISO week, `day` being the week's Monday: a statement over whole weeks reads it instead of the
 * days (src/metrics/rollup.ts). `top_cost` is the costliest day row behind each week row, so "the model of the
 * costliest row" names the same model at either grain.
 */
export function ledgerWeeklySelect(d: SqlDialect, where = 'true'): string {
  return `SELECT ${d.weekStart('day')} AS day, ${ATTRIBUTION}, ${rollupSums('CAST(sum(records) AS BIGINT)', d)},
  max(cost) AS top_cost
FROM ledger_daily WHERE ${where}
GROUP BY ALL`;
}

/** The days each source reported on (stored records, not the ledger), for the data-gap check. */
export function usageDaysSelect(where = 'true'): string {
  return `SELECT source, day, count(*) AS records FROM usage WHERE counted AND ${where} GROUP BY ALL`;
}

/** The ledger per session (a session's entries of one day and attribution), for the session metrics. */
export function ledgerSessionsSelect(d: SqlDialect, where = 'true'): string {
  return `SELECT session_id, day, ${ATTRIBUTION}, ${rollupSums('count(*)', d)}
FROM ledger WHERE session_id IS NOT NULL AND ${where}
GROUP BY ALL`;
}

/**
 * Ledger entries the session → PR join tied to a PR (pr_sessions), summed per PR, day, session, attribution
 * and API key: one PR's drill-down reads a few rows. `top` is the costliest single entry of a row.
 */
export function ledgerPrPartsSelect(d: SqlDialect): string {
  return `SELECT ps.pr_id AS pr_id, l.day AS day, ps.session AS session, l.person_id AS person_id, l.team_id AS team_id,
  l.workflow_id AS workflow_id, l.tool AS tool, l.model AS model, l.key_hash AS key_hash, l.key_hint AS key_hint,
  l.unpriced AS unpriced, ${d.money('sum(l.cost)')} AS cost, max(l.cost) AS top, count(*) AS records
FROM pr_sessions ps JOIN ledger l ON l.record_id = ps.record_id
GROUP BY ALL`;
}

/** The same summed per PR, day and attribution: what cost per PR reads. */
export function ledgerPrsSelect(d: SqlDialect): string {
  return `SELECT pr_id, day, person_id, team_id, workflow_id, tool, model, unpriced,
  ${d.money('sum(cost)')} AS cost, CAST(sum(records) AS BIGINT) AS records
FROM ledger_pr_parts
GROUP BY ALL`;
}
