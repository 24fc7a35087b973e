import { usd, type Usd } from '../domain/money.js';
import type { DayWindow } from '../domain/time.js';
import { dialectOf, windowFilter, windowParams, type MetricContext } from './metric.js';
import { ledgerRollup } from './rollup.js';
import { relation } from './relations.js';

export interface SpendTotals {
  cost: Usd;
  tokens: number;
  /** Share of the dollars by basis of the authoritative total. */
  byBasis: { basis: string; cost: Usd }[];
  unpricedTokens: number;
  unpricedRecords: number;
  unpricedModels: string[];
}

/** spend.total and data.unpriced_volume */
export async function spendTotals(ctx: MetricContext): Promise<SpendTotals> {
  const p = windowParams(ctx.window);
  const rollup = relation(ctx, ledgerRollup(ctx.window));
  const basis = await ctx.db.query(
    `SELECT basis, CAST(coalesce(sum(cost), 0) AS VARCHAR) AS cost,
       sum(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens) AS tokens
     FROM ${rollup} WHERE ${windowFilter('day', ctx)} AND NOT unpriced GROUP BY basis ORDER BY basis`,
    p,
  );
  const [unpriced] = await ctx.db.query(
    `SELECT coalesce(sum(records), 0) AS records, coalesce(sum(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens), 0) AS tokens,
       ${dialectOf(ctx).sortedText('model', ', ')} AS models
     FROM ${rollup} WHERE ${windowFilter('day', ctx)} AND unpriced`,
    p,
  );
  const byBasis = basis.map((r) => ({ basis: String(r.basis), cost: usd(String(r.cost)) }));
  return {
    cost: byBasis.reduce((acc, b) => acc.plus(b.cost), usd(0)),
    tokens: basis.reduce((acc, r) => acc + Number(r.tokens ?? 0), 0),
    byBasis,
    unpricedTokens: Number(unpriced?.tokens ?? 0),
    unpricedRecords: Number(unpriced?.records ?? 0),
    unpricedModels: unpriced?.models ? String(unpriced.models).split(', ') : [],
  };
}

export interface DailySpend {
  day: string;
  cost: Usd;
}

/** spend.daily: one value per day of the window, zero-filled by the caller's calendar. */
export async function dailySpend(ctx: MetricContext, window: DayWindow = ctx.window): Promise<DailySpend[]> {
  const rows = await ctx.db.query(
    `SELECT CAST(day AS VARCHAR) AS day, CAST(coalesce(sum(cost), 0) AS VARCHAR) AS cost
     FROM ${relation(ctx, 'ledger_daily')} WHERE ${windowFilter('day', ctx)} AND NOT unpriced GROUP BY day ORDER BY day`,
    windowParams(window),
  );
  return rows.map((r) => ({ day: String(r.day), cost: usd(String(r.cost)) }));
}

/**
 * The first and last day with spend or delivery data: reports default to the weeks before the last one.
 * Seat days are left out: they run to the end of the month, past the last day anything was recorded.
 */
export async function dataExtent(
  ctx: Pick<MetricContext, 'db'>,
): Promise<{ first: string; last: string } | null> {
  const [row] = await ctx.db.query(
    `SELECT CAST(min(day) AS VARCHAR) AS first, CAST(max(day) AS VARCHAR) AS last
     FROM (SELECT day FROM ${relation(ctx, 'ledger_daily')} WHERE source <> 'directory-seats' UNION ALL SELECT day FROM ${relation(ctx, 'outcomes')})`,
  );
  return row?.first ? { first: String(row.first), last: String(row.last) } : null;
}

/**
 * Each team's first and last day with data, as `dataExtent` gives it over the store filtered to that team
 * (its spend in the ledger's daily rollup, its people's outcomes). A filter of several teams sees the union
 * of their rows, so its extent is the earliest first and the latest last of theirs: one statement answers
 * every team filter.
 */
export async function dataExtentByTeam(
  ctx: Pick<MetricContext, 'db'>,
): Promise<Map<string, { first: string; last: string }>> {
  const rows = await ctx.db.query(
    `SELECT team_id, CAST(min(day) AS VARCHAR) AS first, CAST(max(day) AS VARCHAR) AS last
     FROM (SELECT team_id, day FROM ${relation(ctx, 'ledger_daily')} WHERE source <> 'directory-seats'
       UNION ALL SELECT team_id, day FROM ${relation(ctx, 'outcomes_identity')})
     WHERE team_id IS NOT NULL GROUP BY 1`,
  );
  return new Map(rows.map((r) => [String(r.team_id), { first: String(r.first), last: String(r.last) }]));
}

/** The extent of a team filter from `dataExtentByTeam`: null when none of the teams has data. */
export function teamsExtent(
  byTeam: ReadonlyMap<string, { first: string; last: string }>,
  teams: readonly string[],
): { first: string; last: string } | null {
  const seen = [...new Set(teams)].flatMap((team) => byTeam.get(team) ?? []);
  if (seen.length === 0) return null;
  return {
    first: seen.map((e) => e.first).reduce((a, b) => (b < a ? b : a)),
    last: seen.map((e) => e.last).reduce((a, b) => (b > a ? b : a)),
  };
}

export interface CoverageRow {
  level: 'workflow' | 'person' | 'unattributed';
  cost: Usd;
  share: number;
}

/** coverage.attributed_share */
export async function coverage(ctx: MetricContext): Promise<CoverageRow[]> {
  const rows = await ctx.db.query(
    `SELECT CASE WHEN workflow_id IS NOT NULL THEN 'workflow' WHEN person_id IS NOT NULL THEN 'person' ELSE 'unattributed' END AS level,
       CAST(coalesce(sum(cost), 0) AS VARCHAR) AS cost
     FROM ${relation(ctx, ledgerRollup(ctx.window))} WHERE ${windowFilter('day', ctx)} AND NOT unpriced GROUP BY 1 ORDER BY 1`,
    windowParams(ctx.window),
  );
  const total = rows.reduce((acc, r) => acc.plus(usd(String(r.cost))), usd(0));
  return rows.map((r) => ({
    level: r.level as CoverageRow['level'],
    cost: usd(String(r.cost)),
    share: total.isZero() ? 0 : usd(String(r.cost)).dividedBy(total).toNumber(),
  }));
}
