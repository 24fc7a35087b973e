import { defineMetric } from './define.js';
import { windowFilter, windowParams, type MetricContext } from './metric.js';
import { money, num, numOrNull } from './table.js';
import { workloadSqlFor } from './workloads.js';
import { relation } from './relations.js';

/**
 * concentration.top4_shift: per week of the window, the share of spend taken by that week's four largest
 * workloads (workflow, else key, else tool × person/team), and its change from the week before in points.
 * Only shares are shown, never which workloads, so no person can be read from it.
 */
async function weeklyTop4(ctx: MetricContext) {
  const rows = await ctx.db.query(
    `WITH lw AS (${await workloadSqlFor(ctx)}), per AS (
       SELECT date_trunc('week', day) AS week, workload_kind, workload_id, CAST(sum(cost) AS DOUBLE) AS cost, sum(cost) AS exact
       FROM lw WHERE ${windowFilter('day', ctx)} AND NOT unpriced GROUP BY 1, 2, 3
     ), ranked AS (
       SELECT *, row_number() OVER (PARTITION BY week ORDER BY cost DESC, workload_id) AS rank FROM per
     )
     SELECT CAST(CAST(week AS DATE) AS VARCHAR) AS week, sum(cost) FILTER (WHERE rank <= 4) / nullif(sum(cost), 0) AS top4,
       count(*) AS workloads, CAST(sum(exact) AS VARCHAR) AS cost
     FROM ranked GROUP BY week ORDER BY week`,
    windowParams(ctx.window),
  );
  let previous: number | null = null;
  return {
    by: 'week',
    rows: rows.map((r) => {
      const share = r.top4 === null ? null : num(r.top4);
      const shift = share !== null && previous !== null ? share - previous : null;
      previous = share;
      return {
        key: String(r.week),
        label: String(r.week),
        values: { top4_share: share, shift, workloads: num(r.workloads), cost: money(r.cost) },
      };
    }),
    notes: ['Weeks at the window edges may be partial; the top four are chosen again each week.'],
  };
}

export const top4ShiftMetric = defineMetric({
  id: 'concentration.top4_shift',
  dims: [],
  columns: [
    { id: 'top4_share', label: 'top-4 share', unit: 'share of the week' },
    { id: 'shift', label: 'shift w/w', unit: 'share points' },
    { id: 'workloads', label: 'workloads', unit: 'count' },
    { id: 'cost', label: 'spend', unit: 'USD' },
  ],
  compute: weeklyTop4,
});

export const top4Shift = top4ShiftMetric.run;

/**
 * concentration.keys_for_spend: how many API keys make 50% and 80% of the spend that runs on keys (keys
 * sorted by spend, largest first, counted until their cumulative share reaches the mark).
 */
async function keyConcentration(ctx: MetricContext) {
  const [row] = await ctx.db.query(
    `WITH k AS (
       SELECT key_hash, CAST(sum(cost) AS DOUBLE) AS cost FROM ${relation(ctx, 'ledger_daily')}
       WHERE ${windowFilter('day', ctx)} AND NOT unpriced AND key_hash IS NOT NULL GROUP BY 1
     ), c AS (
       SELECT cost, sum(cost) OVER (ORDER BY cost DESC, key_hash ROWS UNBOUNDED PRECEDING) / sum(cost) OVER () AS cum,
         row_number() OVER (ORDER BY cost DESC, key_hash) AS n
       FROM k
     ), all_spend AS (
       SELECT CAST(coalesce(sum(cost), 0) AS DOUBLE) AS total FROM ${relation(ctx, 'ledger_daily')} WHERE ${windowFilter('day', ctx)} AND NOT unpriced
     )
     -- min of a CASE, not min(n) FILTER: over no key at all (a team filter whose spend names no key) ClickHouse's
     -- min of a non-NULL column is 0, where DuckDB's is NULL; a NULL-able argument gives NULL on both.
     SELECT count(*) AS keys, min(CASE WHEN cum >= 0.5 - 1e-12 THEN n END) AS k50,
       min(CASE WHEN cum >= 0.8 - 1e-12 THEN n END) AS k80,
       coalesce(sum(cost), 0) AS key_cost, (SELECT total FROM all_spend) AS total
     FROM c`,
    windowParams(ctx.window),
  );
  const keyCost = num(row?.key_cost);
  const total = num(row?.total);
  return {
    by: null,
    rows: [
      {
        key: 'all',
        label: 'all',
        values: {
          keys_for_50: numOrNull(row?.k50),
          keys_for_80: numOrNull(row?.k80),
          keys: num(row?.keys),
          key_share: total === 0 ? null : keyCost / total,
        },
      },
    ],
    notes: ['Only spend that names an API key counts; seats and agent logs without a key are outside it.'],
  };
}

export const keysForSpendMetric = defineMetric({
  id: 'concentration.keys_for_spend',
  dims: [],
  columns: [
    { id: 'keys_for_50', label: 'keys for 50%', unit: 'count' },
    { id: 'keys_for_80', label: 'keys for 80%', unit: 'count' },
    { id: 'keys', label: 'keys', unit: 'count' },
    { id: 'key_share', label: 'spend on keys', unit: 'share of all spend' },
  ],
  compute: keyConcentration,
});

export const keysForSpend = keysForSpendMetric.run;
