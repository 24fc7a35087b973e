import { daysBetween } from '../domain/time.js';
import { grouping, OUTCOME_FROM } from './grouping.js';
import { windowFilter, windowParams, type MetricContext } from './metric.js';
import type { Dimension } from './query.js';
import { num, ratio, type MetricTable } from './table.js';

/** The dimensions throughput per engineer has a headcount for: a team's people in the directory. */
export const THROUGHPUT_DIMENSIONS = ['team'] as const satisfies Dimension[];

/**
 * delivery.throughput_per_engineer: merged PRs of a group's people per engineer per week, the engineers being
 * the group's people in the directory (whether or not they merged anything: a team that stops merging is
 * slower, not smaller). The headcount is the directory's now, so moving a person between teams rewrites
 * history, as every team figure in Mileage does.
 */
export async function throughputPerEngineer(ctx: MetricContext, by: Dimension | null): Promise<MetricTable> {
  const g = await grouping(ctx, by === null ? null : 'team', 'delivery');
  const weeks = daysBetween(ctx.window.since, ctx.window.until) / 7;
  const key = g.outcomeKey ?? "'all'";
  // The same key expression over the directory's people (it reads o.team_id, which dir_people has too), so a
  // group folded into "other" for privacy counts the engineers of every team it holds.
  const rows = await ctx.db.query(
    `WITH d AS (
       SELECT ${key} AS key, min(${g.outcomeLabel ?? "'all'"}) AS label, count(*) AS prs
       FROM ${OUTCOME_FROM} WHERE ${windowFilter('o.day', ctx)} AND o.kind = 'pr_merged' AND o.person_id IS NOT NULL
       GROUP BY 1
     ), h AS (
       SELECT ${key} AS key, count(*) AS engineers FROM dir_people o GROUP BY 1
     )
     SELECT h.key, coalesce(d.label, h.key) AS label, coalesce(d.prs, 0) AS prs, h.engineers
     FROM h LEFT JOIN d ON d.key = h.key
     WHERE h.key <> 'unattributed'
     ORDER BY prs DESC, 1`,
    windowParams(ctx.window),
  );
  return {
    metric: 'delivery.throughput_per_engineer',
    window: ctx.window,
    by: g.dim,
    columns: [
      { id: 'per_engineer_week', label: 'PRs per engineer-week', unit: 'merged PRs per engineer per week' },
      { id: 'prs', label: 'merged PRs', unit: 'count' },
      { id: 'engineers', label: 'engineers', unit: 'people' },
    ],
    rows: rows.map((r) => ({
      key: String(r.key),
      label: String(r.label),
      values: {
        per_engineer_week: ratio(num(r.prs), num(r.engineers) * weeks),
        prs: num(r.prs),
        engineers: num(r.engineers),
      },
    })),
    notes: [
      ...g.notes,
      'Engineers: the people of the group in mileage.yaml today; merged PRs of bots and unknown authors are not counted.',
    ],
  };
}
