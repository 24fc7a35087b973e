import { median } from '../domain/statistics.js';
import { daysBetween } from '../domain/time.js';
import { defineMetric } from './define.js';
import { grouping } from './grouping.js';
import type { MetricContext } from './metric.js';
import type { Dimension } from './query.js';
import { PEOPLE_SPEND, spendAndDelivery } from './spend-delivery.js';
import { ratio } from './table.js';

export const QUADRANT_DIMENSIONS = ['person', 'team'] as const satisfies Dimension[];

/** Labels describe where the numbers fall, not the people: the quadrant starts a conversation. */
export const QUADRANTS = {
  'high delivery, high efficiency': 'delivers more than the median with more points per dollar',
  'high delivery, low efficiency': 'delivers more than the median at a higher cost per point',
  'low delivery, high efficiency': 'delivers less than the median, cheaply',
  'low delivery, low efficiency': 'delivers less than the median at a higher cost per point',
} as const;

/**
 * quadrant.delivery_efficiency: per person (when they may be named) or team, delivery (points of merged PRs
 * per week) against efficiency (points per dollar of their spend), split at the medians of the groups shown.
 * A value exactly on the median counts as high.
 */
async function quadrantOf(ctx: MetricContext, by: Dimension | null) {
  const g = await grouping(ctx, by ?? 'team');
  const weeks = daysBetween(ctx.window.since, ctx.window.until) / 7;
  const rows = (
    await spendAndDelivery(ctx, g, {
      spend: 'l.cost',
      spendWhere: PEOPLE_SPEND,
      delivery: 'coalesce(o.points, 0)',
      deliveryWhere: "o.kind = 'pr_merged'",
    })
  ).filter((r) => r.key !== 'unattributed' && r.key !== 'other');
  // Points are sums of doubles whose order the store does not fix (one- or two-decimal size-model points):
  // rounded far below any point shown, so the same data always splits and prints the same (127.3 summed
  // as 127.30000000000001 once printed a median of 31.83 instead of 31.82).
  const points = rows.map((r) => Math.round(r.delivery * 1e9) / 1e9);
  const perWeek = points.map((p) => p / weeks);
  const perDollar = rows.map((r, i) => ratio(points[i] ?? 0, r.spend));
  const mDelivery = median(perWeek);
  const mEfficiency = median(perDollar.filter((v): v is number => v !== null));
  return {
    by: g.dim,
    rows: rows.map((r, i) => {
      const d = perWeek[i] as number;
      const e = perDollar[i] ?? null;
      const quadrant =
        e === null || rows.length < 2
          ? null
          : `${d >= mDelivery ? 'high' : 'low'} delivery, ${e >= mEfficiency ? 'high' : 'low'} efficiency`;
      return {
        key: r.key,
        label: r.label,
        values: {
          points_per_week: d,
          points_per_dollar: e,
          quadrant,
          spend: r.unpricedOnly ? null : r.spendExact,
        },
      };
    }),
    notes: [
      ...g.notes,
      `Split at the medians of the groups shown: ${mDelivery.toFixed(2)} points per week, ${Number.isFinite(mEfficiency) ? mEfficiency.toFixed(4) : '—'} points per dollar.`,
      'Merged groups ("other") and unattributed rows are left out of the quadrant.',
      'Spend: people’s agents and seats; points: their merged PRs. A starting point for a conversation, not a grade.',
    ],
  };
}

export const deliveryQuadrantMetric = defineMetric({
  id: 'quadrant.delivery_efficiency',
  dims: QUADRANT_DIMENSIONS,
  defaultBy: 'team',
  columns: [
    { id: 'points_per_week', label: 'points / week', unit: 'points per week' },
    { id: 'points_per_dollar', label: 'points / $', unit: 'points per USD' },
    { id: 'quadrant', label: 'quadrant', unit: 'label' },
    { id: 'spend', label: 'spend', unit: 'USD' },
  ],
  compute: quadrantOf,
});

export const deliveryQuadrant = deliveryQuadrantMetric.run;
