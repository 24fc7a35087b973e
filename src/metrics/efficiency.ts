import { usd } from '../domain/money.js';
import { windowFilter, windowParams, type MetricContext } from './metric.js';
import { namesPeople } from './privacy.js';
import { DIMENSIONS, spendBy } from './query.js';
import { num } from './table.js';
import { defineMetric } from './define.js';
import {
  BAND_MIN_WEEK_SPEND,
  BAND_MIN_WEEKS,
  BAND_WEEKS,
  bandBasis,
  bandFor,
  configuredBands,
  workloadWeeks,
} from './workload-bands.js';
import { workloadSqlFor } from './workloads.js';

/**
 * efficiency.cost_per_mtok by any spend dimension (by none: the whole org in one row). It reads `spendBy`, so
 * the privacy fallback and small-group merge are the ones `mileage query spend.total` applies.
 */
export const costPerMtokMetric = defineMetric({
  id: 'efficiency.cost_per_mtok',
  dims: DIMENSIONS,
  columns: [
    { id: 'cost_per_mtok', label: '$ per M tokens', unit: 'USD per million tokens' },
    { id: 'cache_read_share', label: 'cache-read share', unit: 'share of tokens' },
    { id: 'cost', label: 'spend', unit: 'USD' },
    { id: 'tokens', label: 'tokens', unit: 'tokens' },
  ],
  async compute(ctx, by) {
    const groups = await spendBy(ctx, by ?? 'tool');
    const rows = by === null ? [mergeAll(groups)] : groups;
    const fellBack = by === 'person' && !namesPeople(ctx.privacy, ctx.viewer, ctx.filter);
    return {
      by: by === null ? null : fellBack ? 'team' : by,
      rows: rows.map((x) => ({
        key: x.key,
        label: x.label,
        values: {
          cost_per_mtok: x.tokens === 0 ? null : x.cost.times(1e6).dividedBy(x.tokens).toFixed(10),
          cache_read_share: x.tokens === 0 ? null : x.cacheReadTokens / x.tokens,
          cost: x.cost.toFixed(),
          tokens: x.tokens,
        },
      })),
      notes: [
        ...(fellBack ? ['People may not be named to this viewer: grouped by team instead.'] : []),
        'Seat charges carry no tokens: a seat-heavy group shows a higher cost per million tokens.',
      ],
    };
  },
});

function mergeAll(groups: Awaited<ReturnType<typeof spendBy>>): (typeof groups)[number] {
  return groups.reduce(
    (a, x) => ({
      ...a,
      cost: a.cost.plus(x.cost),
      tokens: a.tokens + x.tokens,
      cacheReadTokens: a.cacheReadTokens + x.cacheReadTokens,
      people: a.people + x.people,
      unpricedTokens: a.unpricedTokens + x.unpricedTokens,
      priced: a.priced || x.priced,
    }),
    {
      key: 'all',
      label: 'all',
      cost: usd(0),
      tokens: 0,
      cacheReadTokens: 0,
      people: 0,
      tokensPerDollar: null,
      share: 1,
      unpricedTokens: 0,
      priced: false,
    },
  );
}

/**
 * efficiency.expected_band: per workload type, the band of tokens per dollar its workloads are judged
 * against — the band configured in mileage.yaml (`workload_types`), else the interquartile range of the
 * weekly tokens per dollar of the type's workloads across the org over the 26 weeks ending with the window —
 * and which of the window's workloads fall below it, each judged against the band of the OTHER workloads of
 * its type (metrics/workload-bands.ts). A type with a single workload has no peers and says so.
 */
async function expectedBands(ctx: MetricContext) {
  const lw = await workloadSqlFor(ctx);
  // The band's history, the window's workloads and the configured bands are independent: asked at once.
  const [weeks, current, configured] = await Promise.all([
    workloadWeeks(ctx, ctx.window),
    ctx.db.query(
      `WITH lw AS (${lw})
       SELECT coalesce(workload_type_resolved, 'unspecified') AS type, workload_id, min(workload_label) AS label,
         sum(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens) AS tokens, CAST(sum(cost) AS DOUBLE) AS workload_cost
       FROM lw WHERE ${windowFilter('day', ctx)} AND NOT unpriced AND source <> 'directory-seats' GROUP BY 1, 2
       ORDER BY 1, workload_cost DESC, 2`,
      windowParams(ctx.window),
    ),
    configuredBands(ctx.db),
  ]);
  const types = new Map<string, { tokens: number; cost: number; below: string[]; workloads: number }>();
  for (const r of current) {
    const type = String(r.type);
    const t = types.get(type) ?? { tokens: 0, cost: 0, below: [], workloads: 0 };
    types.set(type, t);
    const tokens = num(r.tokens);
    const cost = num(r.workload_cost);
    t.tokens += tokens;
    t.cost += cost;
    t.workloads += 1;
    const band = bandFor(type, String(r.workload_id), weeks, configured);
    if (band.kind !== 'none' && cost > 0 && tokens / cost < band.low) t.below.push(String(r.label));
  }
  return {
    by: 'workload_type',
    rows: [...types].map(([type, t]) => {
      const band = bandFor(type, null, weeks, configured);
      const judged = band.kind !== 'none';
      return {
        key: type,
        label: type,
        values: {
          band_low: band.kind === 'none' ? null : band.low,
          band_median: band.kind === 'peers' ? band.median : null,
          band_high: band.kind === 'none' ? null : band.high,
          basis: bandBasis(type, band),
          workloads: t.workloads,
          tokens_per_dollar: t.cost === 0 ? null : t.tokens / t.cost,
          below_band: judged ? t.below.length : null,
          below: t.below.length ? listNames(t.below) : judged ? 'none' : bandBasis(type, band),
        },
      };
    }),
    notes: [
      `A type's band: the one configured in mileage.yaml (workload_types), else the interquartile range of weekly tokens per dollar of its workloads across the org over the ${BAND_WEEKS} weeks to ${ctx.window.until}, counting workload-weeks of at least $${BAND_MIN_WEEK_SPEND}.`,
      'Each workload is judged against the band of the other workloads of its type, never against its own history: a workload alone in its type has no peers to compare with, unless mileage.yaml configures a band for the type.',
      `A peer band needs ${BAND_MIN_WEEKS} workload-weeks. Seat charges no usage explains (idle seats) carry no tokens and are left out; unpriced usage has no tokens per dollar.`,
      'Workloads without a configured type: person agents count as agentic-coding, the rest as unspecified.',
    ],
  };
}

/** efficiency.expected_band, declared: one row per workload type, its band and who falls below it. */
export const expectedBandMetric = defineMetric({
  id: 'efficiency.expected_band',
  dims: [],
  columns: [
    { id: 'band_low', label: 'band low', unit: 'tokens per USD' },
    { id: 'band_median', label: 'median', unit: 'tokens per USD' },
    { id: 'band_high', label: 'band high', unit: 'tokens per USD' },
    { id: 'basis', label: 'band from', unit: 'text' },
    { id: 'workloads', label: 'workloads', unit: 'count' },
    { id: 'tokens_per_dollar', label: 'window tokens per $', unit: 'tokens per USD' },
    { id: 'below_band', label: 'workloads below', unit: 'count' },
    { id: 'below', label: 'below their peers', unit: 'text' },
  ],
  compute: expectedBands,
});

export const expectedBand = expectedBandMetric.run;

/** Up to three names, then how many more. */
function listNames(names: string[]): string {
  const shown = names.slice(0, 3).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}
