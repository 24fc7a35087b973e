import { usd } from '../domain/money.js';
import { quantile } from '../domain/statistics.js';
import { windowFilter, windowParams, type MetricContext } from './metric.js';
import { namesPeople } from './privacy.js';
import { spendBy, type Dimension } from './query.js';
import { num, weeksEnding, type MetricTable } from './table.js';
import { workloadSqlFor } from './workloads.js';

/**
 * efficiency.tokens_per_dollar and efficiency.cost_per_mtok by any spend dimension: both read `spendBy`, so
 * the privacy fallback and small-group merge are the ones `mileage query spend.total` applies.
 */
export async function tokenEfficiency(
  ctx: MetricContext,
  by: Dimension | null,
  metric: 'efficiency.tokens_per_dollar' | 'efficiency.cost_per_mtok',
): Promise<MetricTable> {
  const groups = await spendBy(ctx, by ?? 'tool');
  const rows = by === null ? [mergeAll(groups)] : groups;
  const fellBack = by === 'person' && !namesPeople(ctx.privacy, ctx.viewer, ctx.filter);
  return {
    metric,
    window: ctx.window,
    by: by === null ? null : fellBack ? 'team' : by,
    columns: [
      metric === 'efficiency.cost_per_mtok'
        ? { id: 'cost_per_mtok', label: '$ per M tokens', unit: 'USD per million tokens' }
        : { id: 'tokens_per_dollar', label: 'tokens per $', unit: 'tokens per USD' },
      { id: 'cache_read_share', label: 'cache-read share', unit: 'share of tokens' },
      { id: 'cost', label: 'spend', unit: 'USD' },
      { id: 'tokens', label: 'tokens', unit: 'tokens' },
    ],
    rows: rows.map((x) => {
      const cost = x.cost.toNumber();
      return {
        key: x.key,
        label: x.label,
        values: {
          [metric === 'efficiency.cost_per_mtok' ? 'cost_per_mtok' : 'tokens_per_dollar']:
            metric === 'efficiency.cost_per_mtok'
              ? x.tokens === 0
                ? null
                : (cost / x.tokens) * 1e6
              : cost === 0
                ? null
                : x.tokens / cost,
          cache_read_share: x.tokens === 0 ? null : x.cacheReadTokens / x.tokens,
          cost,
          tokens: x.tokens,
        },
      };
    }),
    notes: [
      ...(fellBack ? ['People may not be named to this viewer: grouped by team instead.'] : []),
      'Seat charges carry no tokens: a seat-heavy group shows fewer tokens per dollar.',
    ],
  };
}

function mergeAll(groups: Awaited<ReturnType<typeof spendBy>>): (typeof groups)[number] {
  return groups.reduce(
    (a, x) => ({
      ...a,
      cost: a.cost.plus(x.cost),
      tokens: a.tokens + x.tokens,
      cacheReadTokens: a.cacheReadTokens + x.cacheReadTokens,
      people: a.people + x.people,
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
    },
  );
}

/** Weeks of history the expected band is learned from. */
export const BAND_WEEKS = 26;
/** A workload-week counts towards the band only above this spend (a few cents say nothing about a model). */
export const BAND_MIN_WEEK_SPEND = 1;

/**
 * efficiency.expected_band: mileage.yaml has no band setting, so the band of each workload type is learned
 * from the org's own history: the interquartile range (Q1–Q3) of the weekly tokens per dollar of every
 * workload of that type over the 26 weeks ending with the window. The window's own tokens per dollar for the
 * type, and how many of its workloads fall below the band, are shown against it.
 */
export async function expectedBand(ctx: MetricContext): Promise<MetricTable> {
  const history = weeksEnding(ctx.window, BAND_WEEKS);
  const lw = await workloadSqlFor(ctx, 'ledger_daily', history);
  // The band's history and the window's workloads are independent: asked at once, on two read connections.
  const [weekly, current] = await Promise.all([
    ctx.db.query(
      `WITH lw AS (${lw})
     SELECT coalesce(workload_type_resolved, 'unspecified') AS type, workload_id, date_trunc('week', day) AS week,
       sum(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens) / CAST(sum(cost) AS DOUBLE) AS tpd
     FROM lw WHERE ${windowFilter()} AND NOT unpriced AND source <> 'directory-seats'
     GROUP BY 1, 2, 3 HAVING sum(cost) >= ${BAND_MIN_WEEK_SPEND} ORDER BY 1, 2, 3`,
      windowParams(history),
    ),
    ctx.db.query(
      `WITH lw AS (${lw}), per AS (
       SELECT coalesce(workload_type_resolved, 'unspecified') AS type, workload_id,
         sum(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens) AS tokens, CAST(sum(cost) AS DOUBLE) AS cost
       FROM lw WHERE ${windowFilter()} AND NOT unpriced AND source <> 'directory-seats' GROUP BY 1, 2
     )
     SELECT type, sum(tokens) AS tokens, sum(cost) AS cost, list(tokens / nullif(cost, 0)) AS per_workload
     FROM per GROUP BY 1 ORDER BY 1`,
      windowParams(ctx.window),
    ),
  ]);
  const byType = new Map<string, number[]>();
  for (const r of weekly) {
    const type = String(r.type);
    const list = byType.get(type) ?? [];
    if (list.length === 0) byType.set(type, list);
    list.push(num(r.tpd));
  }
  return {
    metric: 'efficiency.expected_band',
    window: ctx.window,
    by: 'workload_type',
    columns: [
      { id: 'band_low', label: 'band Q1', unit: 'tokens per USD' },
      { id: 'band_median', label: 'median', unit: 'tokens per USD' },
      { id: 'band_high', label: 'band Q3', unit: 'tokens per USD' },
      { id: 'weeks_sampled', label: 'workload-weeks', unit: 'count' },
      { id: 'tokens_per_dollar', label: 'window tokens per $', unit: 'tokens per USD' },
      { id: 'below_band', label: 'workloads below', unit: 'count' },
    ],
    rows: current.map((r) => {
      const type = String(r.type);
      const values = byType.get(type) ?? [];
      const low = values.length >= 4 ? quantile(values, 0.25) : null;
      const perWorkload = (Array.isArray(r.per_workload) ? r.per_workload : []).filter(
        (v): v is number => typeof v === 'number' && Number.isFinite(v),
      );
      const cost = num(r.cost);
      return {
        key: type,
        label: type,
        values: {
          band_low: low,
          band_median: values.length >= 4 ? quantile(values, 0.5) : null,
          band_high: values.length >= 4 ? quantile(values, 0.75) : null,
          weeks_sampled: values.length,
          tokens_per_dollar: cost === 0 ? null : num(r.tokens) / cost,
          below_band: low === null ? null : perWorkload.filter((v) => v < low).length,
        },
      };
    }),
    notes: [
      `No band is configured in mileage.yaml: each band is the interquartile range of weekly tokens per dollar of the type's workloads over the ${BAND_WEEKS} weeks to ${ctx.window.until}, counting workload-weeks of at least $${BAND_MIN_WEEK_SPEND}.`,
      'A band needs 4 workload-weeks; below that it is left empty. Seat charges no usage explains (idle seats) carry no tokens and are left out.',
      'Workloads without a configured type: person agents count as agentic-coding, the rest as unspecified.',
    ],
  };
}
