import { addDays, daysBetween } from '../domain/time.js';
import { dialectOf, type MetricContext } from '../metrics/metric.js';
import type { Finding } from './finding.js';

const HISTORY_DAYS = 28;
/** A source is expected daily when it reported on at least this share of the days before the window. */
const DAILY_SHARE = 0.9;
/** Shorter silences are normal (a late cost report, a quiet holiday). */
const MIN_RUN = 2;

export interface SourceGap {
  source: string;
  /** First and last silent day of the longest run. */
  from: string;
  to: string;
  days: number;
}

/**
 * data.gaps: for each source that reported on ≥ 90% of the 28 days before the window, runs of at least two
 * consecutive days inside the window on which other sources reported and it did not. Reads the days of the
 * stored records (`usage_days`, not the ledger), so a source the ledger outranks in a cell still counts as
 * reporting.
 */
export async function dataGaps(ctx: MetricContext): Promise<SourceGap[]> {
  const historyStart = addDays(ctx.window.since, -HISTORY_DAYS);
  const d = dialectOf(ctx);
  const rows = await ctx.db.query(
    `SELECT source, CAST(day AS VARCHAR) AS day FROM usage_days
     WHERE day >= ${d.param('from', 'Date')} AND day < ${d.param('until', 'Date')}
     GROUP BY 1, 2`,
    { from: historyStart, until: ctx.window.until },
  );
  const daysOf = new Map<string, Set<string>>();
  const anyDay = new Set<string>();
  for (const r of rows) {
    const source = String(r.source);
    const day = String(r.day);
    (daysOf.get(source) ?? daysOf.set(source, new Set()).get(source))?.add(day);
    anyDay.add(day);
  }
  const windowDays = Array.from({ length: daysBetween(ctx.window.since, ctx.window.until) }, (_, i) =>
    addDays(ctx.window.since, i),
  );
  const gaps: SourceGap[] = [];
  for (const [source, days] of daysOf) {
    let history = 0;
    for (let d = historyStart; d < ctx.window.since; d = addDays(d, 1)) if (days.has(d)) history++;
    if (history < DAILY_SHARE * HISTORY_DAYS) continue;
    const runs: string[][] = [[]];
    for (const day of windowDays) {
      if (anyDay.has(day) && !days.has(day)) runs[runs.length - 1]?.push(day);
      else runs.push([]);
    }
    const longest = runs.reduce((a, r) => (r.length > a.length ? r : a), []);
    if (longest.length >= MIN_RUN)
      gaps.push({
        source,
        from: longest[0] ?? '',
        to: longest[longest.length - 1] ?? '',
        days: longest.length,
      });
  }
  return gaps.sort((a, b) => b.days - a.days || a.source.localeCompare(b.source));
}

export function dataGapFinding(gaps: SourceGap[]): Finding | null {
  const worst = gaps[0];
  if (!worst) return null;
  return {
    id: 'data.gaps',
    section: 'data',
    flag: true,
    question: 'Did a source stop reporting, so that totals are missing days?',
    answer: `${gaps.length} source${gaps.length === 1 ? '' : 's'} went silent on days the others reported: ${gaps
      .slice(0, 3)
      .map((g) => `${g.source} ${g.from} – ${g.to} (${g.days} days)`)
      .join(', ')}. Spend on those days is missing or comes from a coarser source.`,
    evidence: Object.fromEntries(gaps.map((g) => [g.source, `${g.days} days from ${g.from}`])),
    metricIds: ['data.gaps'],
    action:
      'Check the connector or the machine that feeds each source (`mileage sync` output, log folders), then re-run it: syncs are incremental and safe to repeat.',
  };
}
