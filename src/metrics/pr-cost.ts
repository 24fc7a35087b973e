import type { StoreReader } from '../store/db.js';
import { dialectFor } from '../store/sql/dialect.js';
import { OUTCOMES_IDENTITY_COLUMNS } from '../store/sql/identity-views.js';
import { windowFilter } from './metric.js';
import { relation, type Relation } from './relations.js';

/**
 * Merged PRs with the spend attributed to each, strongest evidence first (docs/how-numbers-are-computed.md, "Cost per PR"):
 *
 * 1. session → branch → PR: spend of agent sessions that worked on the PR's head branch in its window
 *    (after the previous PR merged from that branch name, up to its merge; `pr_sessions`, derived by the store after each ledger refresh) is that PR's, whoever spent it;
 * 2. person × period: what remains of a person's spend in the window (their agents and seats, workflow bots
 *    excluded, and nothing already joined to a PR by session) is spread over the PRs they merged in it, in
 *    proportion to delivery points (evenly when none has points).
 *
 * A dollar is attributed once: a ledger entry joined to a PR by session never enters the person's remainder.
 * Amounts are DECIMAL; the last PR of each person takes the rounding of the split, so for any window
 * Σ pr_cost + unattributed = priced spend, exactly. Unattributed spend: people who merged nothing, spend of no
 * person and no session join, workflow bots, and session spend on PRs merged outside the window.
 *
 * Columns: every column of outcomes_identity plus `session_cost`, `person_period_cost`, `pr_cost` (DECIMAL)
 * and `cost_evidence` (`session`, `person_period`, `session+person_period` or `none`) — a relation for
 * `outcomeFrom(...)`. Reads $since and $until.
 */
export const ATTRIBUTED_PRS = attributedPrs();

/**
 * ATTRIBUTED_PRS, or with `author` the PRs of one person (who is `$author`) alone. A PR's cost depends only on
 * its author's spend, their PRs and the session spend on those PRs, so one person's PRs are computed from those
 * rows alone, to the same amounts (what a PR's drill-down needs, at a fraction of the work).
 */
export function attributedPrs(options: { author?: boolean; on?: { db: StoreReader } } = {}): string {
  const { d, rel } = readsOf(options.on);
  const author = d.param('author', 'String');
  const mine = options.author ? `AND person_id = ${author}` : '';
  // The author's own session spend, and every session's spend on the author's PRs (whoever spent it).
  const parts = options.author
    ? `AND (person_id = ${author} OR pr_id IN (SELECT id FROM ${rel('outcomes_identity')}
         WHERE ${windowFilter('day', d)} AND kind = 'pr_merged' AND person_id = ${author}))`
    : '';
  return `(
  WITH exact_parts AS (
    -- the entries the session join tied to a PR (ledger.ts), per PR and person, marked when they are a
    -- person's own spend (not a workflow bot's): read once, for the PRs' exact cost and the people's remainder
    SELECT pr_id, person_id, person_id IS NOT NULL AND workflow_id IS NULL AS personal, sum(cost) AS cost
    FROM ${rel('ledger_prs')} WHERE ${windowFilter('day', d)} AND NOT unpriced ${parts} GROUP BY ALL
  ), exact AS (
    SELECT pr_id, sum(cost) AS cost FROM exact_parts GROUP BY 1
  ), spent AS (
    SELECT person_id, sum(cost) AS cost FROM ${rel('ledger_daily')}
    WHERE ${windowFilter('day', d)} AND NOT unpriced AND person_id IS NOT NULL AND workflow_id IS NULL ${mine} GROUP BY 1
  ), joined AS (
    SELECT person_id, sum(cost) AS cost FROM exact_parts WHERE personal GROUP BY 1
  ), rest AS (
    -- each person's spend (daily rollup) less what went to a PR through its sessions
    SELECT coalesce(s.person_id, j.person_id) AS person_id, coalesce(s.cost, 0) - coalesce(j.cost, 0) AS cost
    FROM spent s FULL OUTER JOIN joined j ON j.person_id = s.person_id
  ), merged AS (
    -- The split runs on the few columns it needs (the PRs' other columns join back at the end): every
    -- operator carries the columns it is given, and all of outcomes_identity's made it 4x as long.
    SELECT id, person_id, occurred_at, coalesce(points, 0) AS pc_weight
    FROM ${rel('outcomes_identity')} WHERE ${windowFilter('day', d)} AND kind = 'pr_merged' ${mine}
  ), weights AS (
    -- Per person: their PRs' points, how many, and which comes last (by merge time, then id) to take the
    -- rounding. Grouped rather than windowed: DuckDB's window over the PRs cost most of the statement. The
    -- points are summed as decimals so the sum, and every share, is the same whatever order rows arrive in.
    SELECT person_id, ${d.double(`sum(${d.decimal('pc_weight', 6)})`)} AS pc_person_weight, count(*) AS pc_person_prs,
      ${d.argMax('id', 'occurred_at', 'id')} AS pc_last
    FROM merged WHERE person_id IS NOT NULL GROUP BY person_id
  ), shared AS (
    SELECT m.id AS id, m.person_id AS person_id, m.id = w.pc_last AS pc_is_last, r.cost AS pc_rest,
      CASE WHEN m.person_id IS NULL OR r.cost IS NULL THEN CAST(0 AS DECIMAL(18,10))
        ELSE ${d.money(`${d.double('r.cost')} * CASE WHEN w.pc_person_weight > 0
          THEN m.pc_weight / w.pc_person_weight ELSE 1.0 / w.pc_person_prs END`)} END AS pc_rough
    FROM merged m LEFT JOIN weights w ON w.person_id = m.person_id LEFT JOIN rest r ON r.person_id = m.person_id
  ), rough_sums AS (
    -- an exact DECIMAL sum: a GROUP BY gives what a window sum gave, without carrying the rows along
    SELECT sh.person_id AS person_id, sum(sh.pc_rough) AS pc_rough_sum FROM shared sh WHERE sh.person_id IS NOT NULL
    GROUP BY sh.person_id
  ), costs AS (
    -- the last PR of each person takes the rounding of the split
    SELECT s.id AS id, e.cost AS pc_exact, CASE WHEN s.pc_rest IS NOT NULL AND s.person_id IS NOT NULL AND s.pc_is_last
        THEN s.pc_rest - (rs.pc_rough_sum - s.pc_rough)
        ELSE s.pc_rough END AS pc_fallback
    FROM shared s LEFT JOIN rough_sums rs ON rs.person_id = s.person_id LEFT JOIN exact e ON e.pr_id = s.id
  )
  SELECT ${OUTCOMES_IDENTITY_COLUMNS.map((c) => `pr.${c} AS ${c}`).join(', ')},
    CAST(coalesce(c.pc_exact, 0) AS DECIMAL(38,10)) AS session_cost,
    CAST(c.pc_fallback AS DECIMAL(38,10)) AS person_period_cost,
    CAST(coalesce(c.pc_exact, 0) + c.pc_fallback AS DECIMAL(38,10)) AS pr_cost,
    CASE
      WHEN c.pc_exact IS NOT NULL AND c.pc_fallback <> 0 THEN 'session+person_period'
      WHEN c.pc_exact IS NOT NULL THEN 'session'
      WHEN c.pc_fallback <> 0 THEN 'person_period'
      ELSE 'none'
    END AS cost_evidence
  FROM ${rel('outcomes_identity')} pr JOIN costs c ON c.id = pr.id
  WHERE ${windowFilter('pr.day', d)} AND pr.kind = 'pr_merged'
)`;
}

/** Priced spend in the window: what ATTRIBUTED_PRS distributes, in part. Reads the window's parameters. */
export function spendTotal(on?: { db: StoreReader }): string {
  const { d, rel } = readsOf(on);
  return `(SELECT coalesce(sum(cost), 0) FROM ${rel('ledger_daily')} WHERE ${windowFilter('day', d)} AND NOT unpriced)`;
}

/** The dialect and relations of the store handle a statement runs on (DuckDB's, unfiltered, without one). */
function readsOf(on: { db: StoreReader } | undefined) {
  return {
    d: dialectFor(on?.db.dialect ?? 'duckdb'),
    rel: (name: Relation) => (on ? relation(on, name) : name),
  };
}
