import { quantile } from '../domain/statistics.js';
import type { DayWindow } from '../domain/time.js';
import type { Db } from '../store/db.js';
import { windowFilter, windowParams, type MetricContext } from './metric.js';
import { num, weeksEnding } from './table.js';
import { workloadSqlFor } from './workloads.js';

/** Weeks of history a peer band is learned from. */
export const BAND_WEEKS = 26;
/** A workload-week counts towards a band only above this spend (a few cents say nothing about a model). */
export const BAND_MIN_WEEK_SPEND = 1;
/** A peer band needs this many workload-weeks of peers. */
export const BAND_MIN_WEEKS = 4;
/**
 * Above this many workloads of a type, a workload's own weeks barely move the band of its type: it is judged
 * against the whole type's band instead of the band of the others (which would sort the weeks once per
 * workload, too slow for an org's thousands of engineers).
 */
const LEAVE_ONE_OUT_BELOW = 50;

/** The tokens per dollar a workload of a type is judged against, and where that band comes from. */
export type Band =
  | { kind: 'configured'; low: number; high: number; median: null; peers: number; weeks: number }
  | { kind: 'peers'; low: number; high: number; median: number; peers: number; weeks: number }
  | { kind: 'none'; reason: string; peers: number; weeks: number };

/** Bands configured in mileage.yaml (`workload_types`), as the store keeps them with the directory. */
export async function configuredBands(db: Db): Promise<Map<string, { low: number; high: number }>> {
  const [row] = await db.query(`SELECT value FROM meta WHERE key = 'workload_bands'`);
  const out = new Map<string, { low: number; high: number }>();
  if (!row || typeof row.value !== 'string') return out;
  const parsed = JSON.parse(row.value) as { type: string; low: number; high: number }[];
  for (const b of parsed) out.set(b.type, { low: b.low, high: b.high });
  return out;
}

/** One workload's week of tokens per dollar: the samples of the peer bands. */
export interface WorkloadWeek {
  type: string;
  workload: string;
  tpd: number;
}

/** Workload-weeks of priced usage (≥ $1, seats left out) over the BAND_WEEKS weeks ending with `window`. */
export async function workloadWeeks(ctx: MetricContext, window: DayWindow): Promise<WorkloadWeek[]> {
  const history = weeksEnding(window, BAND_WEEKS);
  const lw = await workloadSqlFor(ctx, 'ledger_daily', history);
  const rows = await ctx.db.query(
    `WITH lw AS (${lw})
     SELECT coalesce(workload_type_resolved, 'unspecified') AS type, workload_id, date_trunc('week', day) AS week,
       sum(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens) / CAST(sum(cost) AS DOUBLE) AS tpd
     FROM lw WHERE ${windowFilter('day', ctx)} AND NOT unpriced AND source <> 'directory-seats'
     GROUP BY 1, 2, 3 HAVING sum(cost) >= ${BAND_MIN_WEEK_SPEND} ORDER BY 1, 2, 3`,
    windowParams(history),
  );
  return rows.map((r) => ({ type: String(r.type), workload: String(r.workload_id), tpd: num(r.tpd) }));
}

/**
 * The band a workload of `type` is judged against: the configured band of its type when mileage.yaml has
 * one, else the interquartile range of the weekly tokens per dollar of the OTHER workloads of its type across
 * the org (never its own history: a workload alone in its type has no peers, and says so). `workload` null:
 * the band of the whole type, as the type's row shows it.
 */
export function bandFor(
  type: string,
  workload: string | null,
  weeks: readonly WorkloadWeek[],
  configured: ReadonlyMap<string, { low: number; high: number }>,
): Band {
  const ofType = weeks.filter((w) => w.type === type);
  const ids = new Set(ofType.map((w) => w.workload));
  // The workloads the band is learned from: the others of the type (all of them for the type's own row).
  const leaveOut = workload !== null && ids.size <= LEAVE_ONE_OUT_BELOW;
  const samples = ofType.filter((w) => !leaveOut || w.workload !== workload).map((w) => w.tpd);
  const peers = workload === null ? ids.size : ids.size - (ids.has(workload) ? 1 : 0);
  const set = configured.get(type);
  if (set) return { kind: 'configured', ...set, median: null, peers, weeks: samples.length };
  if (workload === null ? peers < 2 : peers === 0)
    return { kind: 'none', reason: `no peers of type ${type} to compare with`, peers, weeks: samples.length };
  if (samples.length < BAND_MIN_WEEKS)
    return {
      kind: 'none',
      reason: `too few weeks of peers of type ${type} to set a band: ${samples.length} (needs ${BAND_MIN_WEEKS})`,
      peers,
      weeks: samples.length,
    };
  return {
    kind: 'peers',
    low: quantile(samples, 0.25),
    median: quantile(samples, 0.5),
    high: quantile(samples, 0.75),
    peers,
    weeks: samples.length,
  };
}

/** How a band reads: where it comes from, or plainly why there is none. */
export function bandBasis(type: string, band: Band): string {
  switch (band.kind) {
    case 'configured':
      return `configured for ${type} in mileage.yaml`;
    case 'peers':
      return `${band.peers} workload${band.peers === 1 ? '' : 's'} of type ${type} across the org, ${band.weeks} workload-weeks`;
    case 'none':
      return band.reason;
    default:
      return band satisfies never;
  }
}
