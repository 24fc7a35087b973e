/**
 * The SQL behind `mileage reconcile`, over the store's portable views: `usage_identity` (every counted
 * record with its resolved stream) and `ledger` (what Mileage counts: one authoritative total per stream and
 * day, allocated to detail). Months and days are the org's calendar (the stored `day`). Every query is
 * bounded by the window ($since inclusive, $until exclusive). Each takes the SQL of a row's stream over a
 * column `stream`: the column itself, or with seat streams folded per tool when people may not be named.
 */
const WINDOW = `($since IS NULL OR day >= CAST($since AS DATE)) AND ($until IS NULL OR day < CAST($until AS DATE))`;

/** Per stream and month: what the ledger counts, how much of it is billed, and where it went. */
export const ledgerMonthsSql = (stream: string) => `
SELECT ${stream} AS stream, strftime(day, '%Y-%m') AS month,
  CAST(sum(cost) AS VARCHAR) AS counted,
  CAST(coalesce(sum(cost) FILTER (WHERE basis = 'billed'), 0) AS VARCHAR) AS billed,
  CAST(coalesce(sum(cost) FILTER (WHERE person_id IS NOT NULL), 0) AS VARCHAR) AS to_people,
  CAST(coalesce(sum(cost) FILTER (WHERE session_id IS NOT NULL), 0) AS VARCHAR) AS to_sessions,
  CAST(coalesce(sum(cost) FILTER (WHERE key_hash IS NOT NULL), 0) AS VARCHAR) AS to_keys,
  CAST(coalesce(sum(cost) FILTER (WHERE workflow_id IS NOT NULL), 0) AS VARCHAR) AS to_workflows,
  CAST(coalesce(sum(cost) FILTER (WHERE person_id IS NOT NULL OR session_id IS NOT NULL
    OR key_hash IS NOT NULL OR workflow_id IS NOT NULL), 0) AS VARCHAR) AS attributed,
  count(*) FILTER (WHERE unpriced) AS unpriced_entries,
  min(day) AS first_day, max(day) AS last_day
FROM ledger WHERE ${WINDOW}
GROUP BY 1, month ORDER BY 1, month`;

/** Per stream, month and person: the allocation (null person = not attributed to anyone). */
export const ledgerPeopleSql = (stream: string) => `
SELECT ${stream} AS stream, strftime(day, '%Y-%m') AS month, person_id, CAST(sum(cost) AS VARCHAR) AS amount
FROM ledger WHERE ${WINDOW} AND cost IS NOT NULL
GROUP BY 1, month, person_id ORDER BY 1, month, person_id NULLS LAST`;

/**
 * Per stream, month and source: what each overlapping source says on its own. A source's amount is its own
 * cost (billed or provider reported), else its list estimate; records without either are counted unpriced.
 */
export const sourceMonthsSql = (stream: string) => `
SELECT ${stream} AS stream, strftime(day, '%Y-%m') AS month, source,
  max(CASE cost_basis WHEN 'billed' THEN 3 WHEN 'provider_reported' THEN 2 ELSE 1 END) AS basis_rank,
  CAST(coalesce(sum(coalesce(cost, est_cost)), 0) AS VARCHAR) AS amount,
  CAST(coalesce(sum(est_cost), 0) AS VARCHAR) AS estimated,
  count(*) AS records,
  count(*) FILTER (WHERE cost IS NULL AND est_cost IS NULL) AS unpriced,
  count(DISTINCT day) AS days
FROM (SELECT * REPLACE (stream_resolved AS stream) FROM usage_identity) WHERE ${WINDOW}
GROUP BY 1, month, source ORDER BY 1, month, source`;

/** The days of each stream that have records and which of them carry a billed total. */
export const streamDaysSql = (stream: string) => `
SELECT ${stream} AS stream, day, bool_or(cost_basis = 'billed' AND cost IS NOT NULL) AS billed
FROM (SELECT * REPLACE (stream_resolved AS stream) FROM usage_identity) WHERE ${WINDOW}
GROUP BY 1, day ORDER BY 1, day`;

/**
 * On the days both have data, each non-billed source of a stream against the billed total of the same
 * stream and days: the basis of the "disagree by more than 5%" check.
 */
export const sourceVsBilledSql = (stream: string) => `
WITH per_day AS (
  SELECT ${stream} AS stream, day, source, bool_or(cost_basis = 'billed') AS is_billed,
    sum(CASE WHEN cost_basis = 'billed' THEN cost END) AS billed_amount,
    sum(CASE WHEN cost_basis <> 'billed' THEN coalesce(cost, est_cost) END) AS amount
  FROM (SELECT * REPLACE (stream_resolved AS stream) FROM usage_identity) WHERE ${WINDOW}
  GROUP BY 1, day, source
),
billed AS (
  SELECT stream, day, sum(billed_amount) AS billed FROM per_day WHERE is_billed GROUP BY stream, day
)
SELECT p.stream, strftime(p.day, '%Y-%m') AS month, p.source,
  CAST(sum(p.amount) AS VARCHAR) AS amount, CAST(sum(b.billed) AS VARCHAR) AS billed, count(*) AS days
FROM per_day p JOIN billed b USING (stream, day)
WHERE NOT p.is_billed AND p.amount IS NOT NULL
GROUP BY p.stream, month, p.source ORDER BY p.stream, month, p.source`;
