import { windowFilter } from './metric.js';

/**
 * Merged PRs with the spend attributed to each on the basis of effectiveness.cost_per_merged_pr (person ×
 * period): a person's agent and seat spend in the window (workflow bots excluded), split evenly over the PRs
 * they merged in it. Spend of people who merged nothing stays unattributed to any PR. Columns: every column
 * of outcomes_identity plus `pr_cost` (DOUBLE, 0 when the author had no spend) — a relation for
 * `outcomeFrom(...)`. Reads $since and $until.
 */
export const ATTRIBUTED_PRS = `(
  WITH person_spend AS (
    SELECT person_id, CAST(sum(cost) AS DOUBLE) AS cost FROM ledger_daily
    WHERE ${windowFilter()} AND NOT unpriced AND person_id IS NOT NULL AND workflow_id IS NULL GROUP BY 1
  ), prs AS (
    SELECT *, count(*) OVER (PARTITION BY person_id) AS person_prs FROM outcomes_identity
    WHERE ${windowFilter()} AND kind = 'pr_merged'
  )
  SELECT prs.* EXCLUDE (person_prs),
    CASE WHEN prs.person_id IS NULL THEN 0 ELSE coalesce(ps.cost, 0) / prs.person_prs END AS pr_cost
  FROM prs LEFT JOIN person_spend ps ON ps.person_id = prs.person_id
)`;

/** People's spend in the window: what ATTRIBUTED_PRS distributes. Reads $since and $until. */
export const PEOPLE_SPEND_TOTAL = `(SELECT CAST(coalesce(sum(cost), 0) AS DOUBLE) FROM ledger_daily
  WHERE ${windowFilter()} AND NOT unpriced AND person_id IS NOT NULL AND workflow_id IS NULL)`;
