import { addDays, type DayWindow } from '../../domain/time.js';
import type { MetricContext } from '../../metrics/metric.js';
import { relation } from '../../metrics/relations.js';

export interface FilterValues {
  teams: string[];
  tools: string[];
  models: string[];
}

/** The teams, tools and models each day has, for one scope (the rows a caller may see). */
export type DayValues = Map<string, { teams: Set<string>; tools: Set<string>; models: Set<string> }>;

/**
 * Every day's teams, tools and models, from the daily rollup (it has every value the ledger has): a few
 * thousand rows, read once per data version and scope. Any window's lists are then a union over its days
 * instead of a statement over the window's rollup rows (a quarter of a million for four weeks at 10M
 * records), and the dashboard asks for them with every window it shows.
 */
export async function dayValues(ctx: Pick<MetricContext, 'db'>): Promise<DayValues> {
  const rows = await ctx.db.query(
    `SELECT CAST(day AS VARCHAR) AS day, list(DISTINCT team_id) FILTER (WHERE team_id IS NOT NULL) AS teams,
       list(DISTINCT tool) FILTER (WHERE tool IS NOT NULL) AS tools,
       list(DISTINCT model) FILTER (WHERE model IS NOT NULL) AS models
     FROM ${relation(ctx, 'ledger_daily')} GROUP BY day`,
  );
  const set = (v: unknown) => new Set(Array.isArray(v) ? v.map(String) : []);
  return new Map(
    rows.map((r) => [String(r.day), { teams: set(r.teams), tools: set(r.tools), models: set(r.models) }]),
  );
}

/** Byte order, as the database sorts text. */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The values of the days of a window, each list sorted. */
export function valuesIn(days: DayValues, window: DayWindow): FilterValues {
  const teams = new Set<string>();
  const tools = new Set<string>();
  const models = new Set<string>();
  // Walk whichever is shorter: the window's days or the days with data.
  const span = (Date.parse(window.until) - Date.parse(window.since)) / 86_400_000;
  const picked =
    span <= days.size
      ? Array.from({ length: Math.max(0, span) }, (_, i) => days.get(addDays(window.since, i)))
      : [...days].filter(([day]) => day >= window.since && day < window.until).map(([, v]) => v);
  for (const v of picked) {
    if (!v) continue;
    for (const x of v.teams) teams.add(x);
    for (const x of v.tools) tools.add(x);
    for (const x of v.models) models.add(x);
  }
  return {
    teams: [...teams].sort(byBytes),
    tools: [...tools].sort(byBytes),
    models: [...models].sort(byBytes),
  };
}
