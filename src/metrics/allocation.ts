import { grouping, outcomeFrom } from './grouping.js';
import { windowFilter, windowParams, type MetricContext } from './metric.js';
import { ATTRIBUTED_PRS, SPEND_TOTAL } from './pr-cost.js';
import type { Dimension } from './query.js';
import { num, ratio, type MetricTable } from './table.js';

/**
 * allocation.new_value_share: merged PRs' points and the spend attributed to them (session → PR, else person × period) by work
 * category — new value, KTLO (keep the lights on) or unknown — as shares within each group.
 */
export async function workAllocation(ctx: MetricContext, by: Dimension | null): Promise<MetricTable> {
  const g = await grouping(ctx, by, 'delivery');
  const rows =
    g.outcomeKey === null
      ? []
      : await ctx.db.query(
          `WITH c AS (
             SELECT ${g.outcomeKey} AS key, min(${g.outcomeLabel ?? "'all'"}) AS label, o.category,
               coalesce(sum(o.points), 0) AS points, sum(o.pr_cost) AS spend, count(*) AS prs
             FROM ${outcomeFrom(ATTRIBUTED_PRS)} WHERE ${windowFilter('o.day')} GROUP BY 1, 3
           )
           SELECT *, sum(points) OVER (PARTITION BY key) AS group_points, sum(spend) OVER (PARTITION BY key) AS group_spend,
             CAST(${SPEND_TOTAL} AS DOUBLE) AS total_spend
           FROM c ORDER BY key, category`,
          windowParams(ctx.window),
        );
  const attributed = rows.reduce((a, r) => a + num(r.spend), 0);
  const totalSpend = num(rows[0]?.total_spend);
  return {
    metric: 'allocation.new_value_share',
    window: ctx.window,
    by: g.dim,
    columns: [
      { id: 'category', label: 'category', unit: 'new_value | ktlo | unknown' },
      { id: 'points_share', label: 'share of points', unit: 'share' },
      { id: 'spend_share', label: 'share of spend', unit: 'share of spend attributed to PRs' },
      { id: 'points', label: 'points', unit: 'points' },
      { id: 'spend', label: 'spend', unit: 'USD' },
      { id: 'prs', label: 'merged PRs', unit: 'count' },
    ],
    rows: rows.map((r) => ({
      key: `${String(r.key)}|${String(r.category)}`,
      label: String(r.label),
      values: {
        category: String(r.category),
        points_share: ratio(num(r.points), num(r.group_points)),
        spend_share: ratio(num(r.spend), num(r.group_spend)),
        points: num(r.points),
        spend: num(r.spend),
        prs: num(r.prs),
      },
    })),
    notes: [
      ...g.notes,
      'Category comes from ticket types and labels (see the delivery sources); unknown when neither says.',
      `Spend attributed to PRs: ${attributed.toFixed(2)} of ${totalSpend.toFixed(2)} USD (sessions on a PR's branch first, then each person's remaining spend by points); the rest is workflow bots, people with no merged PR in the window, and spend of no person.`,
    ],
  };
}
