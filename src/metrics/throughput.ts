import { daysBetween } from '../domain/time.js';
import { defineMetric } from './define.js';
import { grouping } from './grouping.js';
import { relation } from './relations.js';
import { outcomeFrom } from './spend-from.js';
import { dialectOf, windowFilter, windowParams } from './metric.js';
import type { Dimension } from './query.js';
import { num, ratio } from './table.js';

/** The dimensions throughput per engineer has a headcount for: a team's people in the directory. */
export const THROUGHPUT_DIMENSIONS = ['team'] as const satisfies Dimension[];

/**
 * delivery.throughput_per_engineer: merged PRs of a group's people per available engineer-week. The engineers
 * are the group's people in the directory (whether or not they merged anything: a team that stops merging is
 * slower, not smaller), and the weeks they were there: people × weeks in the window, less the working days
 * their calendars show them away (capacity: out-of-office and all-day busy days, Monday to Friday, each
 * person-day counted once and at most whole, five of them an engineer-week). Without calendar data that is
 * headcount × weeks, as before. The headcount is the directory's now, so moving a person between teams
 * rewrites history, as every team figure in Mileage does.
 */
export const throughputMetric = defineMetric({
  id: 'delivery.throughput_per_engineer',
  dims: THROUGHPUT_DIMENSIONS,
  columns: [
    {
      id: 'per_engineer_week',
      label: 'PRs per engineer-week',
      unit: 'merged PRs per available engineer-week',
    },
    { id: 'prs', label: 'merged PRs', unit: 'count' },
    { id: 'engineers', label: 'engineers', unit: 'people' },
    { id: 'engineer_weeks', label: 'engineer-weeks', unit: 'available engineer-weeks' },
    { id: 'absent_days', label: 'days away', unit: 'working days away (calendars)' },
  ],
  async compute(ctx, by) {
    const g = await grouping(ctx, by === null ? null : 'team', 'delivery');
    const weeks = daysBetween(ctx.window.since, ctx.window.until) / 7;
    const key = g.outcomeKey ?? "'all'";
    // The same key expression over the directory's people (it reads o.team_id, which dir_people has too), so a
    // group folded into "other" for privacy counts the engineers of every team it holds.
    const rows = await ctx.db.query(
      `WITH d AS (
       SELECT ${key} AS key, min(${g.outcomeLabel ?? "'all'"}) AS label, count(*) AS prs
       FROM ${outcomeFrom(ctx, g.outcomeJoins)} WHERE ${windowFilter('o.day', ctx)} AND o.kind = 'pr_merged' AND o.person_id IS NOT NULL
       GROUP BY 1
     ), h AS (
       SELECT ${key} AS key, count(*) AS engineers FROM ${relation(ctx, 'dir_people')} o GROUP BY 1
     ), away AS (
       -- Each person's working day away once (two events on one day take it once), at most a whole day.
       SELECT a.person_id, x.day, least(1, max(x.fraction)) AS share
       FROM absence_days x JOIN dir_aliases a ON a.alias_hash = x.actor_hash
       WHERE ${windowFilter('x.day', ctx)} AND ${dialectOf(ctx).isoWeekday('x.day')} <= 5
       GROUP BY 1, 2
     ), absent AS (
       SELECT ${key} AS key, sum(w.share) AS days
       FROM away w JOIN ${relation(ctx, 'dir_people')} o ON o.person_id = w.person_id GROUP BY 1
     )
     SELECT h.key AS key, coalesce(d.label, h.key) AS label, coalesce(d.prs, 0) AS prs, h.engineers AS engineers,
       coalesce(absent.days, 0) AS absent_days
     FROM h LEFT JOIN d ON d.key = h.key LEFT JOIN absent ON absent.key = h.key
     WHERE h.key <> 'unattributed'
     ORDER BY prs DESC, 1`,
      windowParams(ctx.window),
    );
    return {
      by: g.dim,
      rows: rows.map((r) => {
        const available = availableEngineerWeeks(num(r.engineers), weeks, num(r.absent_days));
        return {
          key: String(r.key),
          label: String(r.label),
          values: {
            per_engineer_week: ratio(num(r.prs), available),
            prs: num(r.prs),
            engineers: num(r.engineers),
            engineer_weeks: available,
            absent_days: num(r.absent_days),
          },
        };
      }),
      notes: [
        ...g.notes,
        'Engineers: the people of the group in mileage.yaml today; merged PRs of bots and unknown authors are not counted.',
        'Engineer-weeks: engineers × weeks, less the working days calendars show them away (five a week).',
      ],
    };
  },
});

export const throughputPerEngineer = throughputMetric.run;

/** Engineer-weeks the group had: heads × weeks less the working days away, five to a week, never below 0. */
export function availableEngineerWeeks(engineers: number, weeks: number, daysAway: number): number {
  return Math.max(0, engineers * weeks - daysAway / 5);
}
