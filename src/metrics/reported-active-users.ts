import type { Dimension } from './query.js';
import { windowFilter, windowParams, type MetricContext } from './metric.js';

/** What a vendor says about a group's active users over the window (counts, never names). */
export interface ReportedActive {
  /** The mean over the window's days that have a count of the daily active users (projects added). */
  daily: number | null;
  /** The 28-day active users on the last day of the window that has a count (projects added). */
  last28: number | null;
}

/** The key a vendor count is grouped by, for the seat view's dimensions; null where counts cannot say. */
const KEY: Partial<Record<Dimension | 'all', string>> = {
  all: "'all'",
  tool: 'tool',
  // A project's team from the source's settings, the same id the ledger gives its spend (team_tag).
  team: "coalesce(team_tag, 'unattributed')",
};

/**
 * Active users as vendors count them per project and day (reported_active_users: Gemini Code Assist's Cloud
 * Monitoring metrics), per group of the seat view: by tool, by team (the project's team), or the whole org.
 * Counts name nobody, so there is nothing by person. Projects add up: a person active in two projects is
 * counted in both (the vendor's counts do not say who).
 */
export async function reportedActiveUsers(
  ctx: MetricContext,
  dim: Dimension | null,
): Promise<Map<string, ReportedActive>> {
  const key = KEY[dim ?? 'all'];
  const out = new Map<string, ReportedActive>();
  if (key === undefined) return out;
  const rows = await ctx.db.query(
    `SELECT ${key} AS key, day, period_days, sum(users) AS users
     FROM reported_active_users WHERE ${windowFilter('day', ctx)}
     GROUP BY 1, 2, 3 ORDER BY 1, 2`,
    windowParams(ctx.window),
  );
  const daily = new Map<string, number[]>();
  for (const r of rows) {
    const k = String(r.key);
    const got = out.get(k) ?? { daily: null, last28: null };
    if (Number(r.period_days) === 1) daily.set(k, [...(daily.get(k) ?? []), Number(r.users)]);
    // Rows come in day order: the last 28-day count seen is the latest.
    else got.last28 = Number(r.users);
    out.set(k, got);
  }
  for (const [k, counts] of daily) {
    const got = out.get(k);
    if (got) got.daily = counts.reduce((a, b) => a + b, 0) / counts.length;
  }
  return out;
}
