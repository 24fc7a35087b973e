import { defineMetric } from './define.js';
import { DELIVERY_DIMENSIONS, grouping } from './grouping.js';
import { outcomeFrom } from './spend-from.js';
import { windowFilter, windowParams } from './metric.js';
import { attributedPrs, spendTotal } from './pr-cost.js';
import { usd } from '../domain/money.js';
import { money, moneyShare, num, ratio } from './table.js';

/**
 * allocation.new_value_share: merged PRs' points and the spend attributed to them (session → PR, else person × period) by work
 * category — new value, KTLO (keep the lights on) or unknown — as shares within each group.
 */
export const workAllocationMetric = defineMetric({
  id: 'allocation.new_value_share',
  dims: DELIVERY_DIMENSIONS,
  columns: [
    { id: 'category', label: 'category', unit: 'new_value | ktlo | unknown' },
    { id: 'points_share', label: 'share of points', unit: 'share' },
    { id: 'spend_share', label: 'share of spend', unit: 'share of spend attributed to PRs' },
    { id: 'points', label: 'points', unit: 'points' },
    { id: 'spend', label: 'spend', unit: 'USD' },
    { id: 'prs', label: 'merged PRs', unit: 'count' },
  ],
  async compute(ctx, by) {
    const g = await grouping(ctx, by, 'delivery');
    const rows =
      g.outcomeKey === null
        ? []
        : await ctx.db.query(
            `WITH c AS (
             SELECT ${g.outcomeKey} AS key, min(${g.outcomeLabel ?? "'all'"}) AS label, o.category,
               coalesce(sum(o.points), 0) AS points, coalesce(sum(o.pr_cost), 0) AS spend, count(*) AS prs
             FROM ${outcomeFrom(ctx, g.outcomeJoins, attributedPrs({ on: ctx }))} WHERE ${windowFilter('o.day', ctx)} GROUP BY 1, 3
           )
           SELECT * REPLACE (CAST(c.spend AS VARCHAR) AS spend), sum(c.points) OVER (PARTITION BY c.key) AS group_points,
             CAST(sum(c.spend) OVER (PARTITION BY c.key) AS VARCHAR) AS group_spend,
             CAST(sum(c.spend) OVER () AS VARCHAR) AS attributed, CAST(${spendTotal(ctx)} AS VARCHAR) AS total_spend
           FROM c ORDER BY key, category`,
            windowParams(ctx.window),
          );
    const attributed = usd(String(rows[0]?.attributed ?? '0'));
    const totalSpend = usd(String(rows[0]?.total_spend ?? '0'));
    return {
      by: g.dim,
      rows: rows.map((r) => ({
        key: `${String(r.key)}|${String(r.category)}`,
        label: String(r.label),
        values: {
          category: String(r.category),
          points_share: ratio(num(r.points), num(r.group_points)),
          spend_share: moneyShare(money(r.spend), money(r.group_spend)),
          points: num(r.points),
          spend: money(r.spend),
          prs: num(r.prs),
        },
      })),
      notes: [
        ...g.notes,
        'Category comes from ticket types and labels (see the delivery sources); unknown when neither says.',
        `Spend attributed to PRs: ${attributed.toFixed(2)} of ${totalSpend.toFixed(2)} USD (sessions on a PR's branch first, then each person's remaining spend by points); the rest is workflow bots, people with no merged PR in the window, and spend of no person.`,
      ],
    };
  },
});

export const workAllocation = workAllocationMetric.run;
