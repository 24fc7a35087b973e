import { defineMetric } from './define.js';
import { DELIVERY_DIMENSIONS, grouping } from './grouping.js';
import { outcomeFrom } from './spend-from.js';
import { windowFilter, windowParams, type MetricContext } from './metric.js';
import { attributedPrs } from './pr-cost.js';
import { money, moneyShare, num, previousWindow, ratio } from './table.js';
import type { DayWindow } from '../domain/time.js';

interface ReworkRow {
  key: string;
  label: string;
  prs: number;
  reworkPrs: number;
  points: number;
  reworkPoints: number;
  spend: string;
  reworkSpend: string;
}

async function rework(
  ctx: MetricContext,
  g: Awaited<ReturnType<typeof grouping>>,
  window: DayWindow,
): Promise<ReworkRow[]> {
  if (g.outcomeKey === null) return [];
  const rows = await ctx.db.query(
    `SELECT ${g.outcomeKey} AS key, min(${g.outcomeLabel ?? "'all'"}) AS label, count(*) AS prs,
       count(*) FILTER (WHERE o.rework) AS rework_prs, coalesce(sum(o.points), 0) AS points,
       coalesce(sum(o.points) FILTER (WHERE o.rework), 0) AS rework_points,
       CAST(coalesce(sum(o.pr_cost), 0) AS VARCHAR) AS spend,
       CAST(coalesce(sum(o.pr_cost) FILTER (WHERE o.rework), 0) AS VARCHAR) AS rework_spend
     FROM ${outcomeFrom(ctx, g.outcomeJoins, attributedPrs({ on: ctx }))} WHERE ${windowFilter('o.day', ctx)} GROUP BY 1 ORDER BY prs DESC, 1`,
    windowParams(window),
  );
  return rows.map((r) => ({
    key: String(r.key),
    label: String(r.label),
    prs: num(r.prs),
    reworkPrs: num(r.rework_prs),
    points: num(r.points),
    reworkPoints: num(r.rework_points),
    spend: money(r.spend) ?? '0',
    reworkSpend: money(r.rework_spend) ?? '0',
  }));
}

/**
 * quality.rework_tax, the quality tax: the share of merged PRs that are rework (its one definition, as the
 * weekly diagnostic and the README use it) and its change against the window of the same length before; then
 * the rework share of delivery points, and the spend attributed to rework PRs (session → PR, else person ×
 * period) with its share of PR spend — the rework spend share, a different figure under its own name.
 */
export const reworkTaxMetric = defineMetric({
  id: 'quality.rework_tax',
  dims: DELIVERY_DIMENSIONS,
  columns: (ctx) => [
    { id: 'pr_share', label: 'quality tax', unit: 'share of merged PRs that are rework' },
    { id: 'previous_pr_share', label: `quality tax before ${ctx.window.since}`, unit: 'share' },
    { id: 'pr_share_change', label: 'quality tax change', unit: 'share points' },
    { id: 'points_share', label: 'rework points', unit: 'share of points' },
    { id: 'rework_spend', label: 'rework spend', unit: 'USD' },
    { id: 'spend_share', label: 'rework spend share', unit: 'share of spend attributed to PRs' },
    { id: 'prs', label: 'merged PRs', unit: 'count' },
  ],
  async compute(ctx, by) {
    const g = await grouping(ctx, by, 'delivery');
    const before = previousWindow(ctx.window);
    const [now, then] = await Promise.all([rework(ctx, g, ctx.window), rework(ctx, g, before)]);
    const earlier = new Map(then.map((r) => [r.key, ratio(r.reworkPrs, r.prs)]));
    return {
      by: g.dim,
      rows: now.map((r) => {
        const share = ratio(r.reworkPrs, r.prs);
        const previous = earlier.get(r.key) ?? null;
        return {
          key: r.key,
          label: r.label,
          values: {
            pr_share: share,
            previous_pr_share: previous,
            pr_share_change: share !== null && previous !== null ? share - previous : null,
            points_share: ratio(r.reworkPoints, r.points),
            rework_spend: r.reworkSpend,
            spend_share: moneyShare(r.reworkSpend, r.spend),
            prs: r.prs,
          },
        };
      }),
      notes: [
        ...g.notes,
        `Quality tax: rework PRs ÷ merged PRs; its change is against ${before.since} to ${before.until} (the window of the same length before).`,
        'Rework: reverts and regression fixes as the delivery sources mark them.',
        'Rework spend share: the spend on rework PRs ÷ the spend attributed to merged PRs, another figure than the quality tax. Spend on a PR: agent sessions on its head branch since the previous PR merged from that branch, then its author’s remaining spend in the window split over the PRs they merged by points (person × period).',
      ],
    };
  },
});

export const reworkTax = reworkTaxMetric.run;
