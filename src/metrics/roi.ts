import { defineMetric } from './define.js';
import { foldedTeams } from './grouping.js';
import { usd, type Usd } from '../domain/money.js';
import { addDays } from '../domain/time.js';
import { dialectOf, windowFilter, windowParams, type MetricContext } from './metric.js';
import { num, ratio, weeksEnding } from './table.js';
import { relation } from './relations.js';

/** The lift compares the last 4 whole weeks with the first 4 of the 26 weeks ending with the window. */
export const ROI_WEEKS = 26;
const BLOCK = 4;

interface TeamFacts {
  key: string;
  label: string;
  headcount: number;
  /** Σ headcount × loaded cost per engineer per year. */
  loadedCost: Usd;
  pointsBefore: number;
  pointsAfter: number;
  spendAfter: Usd;
}

/**
 * roi.delivery_lift: per team with a loaded cost per engineer (mileage.yaml `loaded_cost_per_engineer`):
 * - lift = points per week of the last 4 weeks ÷ points per week of the first 4 weeks of the last 26, − 1;
 * - value of the lift per week = lift × headcount × loaded cost per engineer ÷ 52 (what the extra delivery
 *   would cost in engineering time at the team's current size);
 * - ROI = value of the lift ÷ the team's AI spend per week over the last 4 weeks.
 * Teams under the minimum group size are merged; every assumption is printed with the numbers.
 */
async function deliveryLift(ctx: MetricContext) {
  const history = weeksEnding(ctx.window, ROI_WEEKS);
  const recentSince = addDays(history.until, -7 * BLOCK);
  const baseUntil = addDays(history.since, 7 * BLOCK);
  const d = dialectOf(ctx);
  const rows = await ctx.db.query(
    `WITH hc AS (SELECT team_id, count(*) AS headcount FROM ${relation(ctx, 'dir_people')} WHERE team_id IS NOT NULL GROUP BY 1),
     pts AS (
       SELECT team_id,
         coalesce(sum(points) FILTER (WHERE day < ${d.param('base_until', 'Date')}), 0) AS before,
         coalesce(sum(points) FILTER (WHERE day >= ${d.param('recent_since', 'Date')}), 0) AS after
       FROM ${relation(ctx, 'outcomes_identity')} WHERE ${windowFilter('day', ctx)} AND kind = 'pr_merged' GROUP BY 1
     ), sp AS (
       SELECT team_id, sum(cost) AS spend FROM ${relation(ctx, 'ledger_daily')}
       WHERE day >= ${d.param('recent_since', 'Date')} AND day < ${d.param('until', 'Date')} AND NOT unpriced GROUP BY 1
     )
     SELECT t.team_id AS team_id, t.name AS name, CAST(t.loaded_cost AS VARCHAR) AS loaded, coalesce(hc.headcount, 0) AS headcount,
       coalesce(pts.before, 0) AS before, coalesce(pts.after, 0) AS after, CAST(coalesce(sp.spend, 0) AS VARCHAR) AS spend
     FROM ${relation(ctx, 'dir_teams')} t LEFT JOIN hc USING (team_id) LEFT JOIN pts USING (team_id) LEFT JOIN sp USING (team_id)
     ORDER BY t.team_id`,
    { ...windowParams(history), base_until: baseUntil, recent_since: recentSince },
  );
  const priced = rows.filter((r) => r.loaded !== null && num(r.headcount) > 0);
  const unpriced = rows.filter((r) => r.loaded === null).map((r) => String(r.name));
  const facts: TeamFacts[] = priced.map((r) => ({
    key: String(r.team_id),
    label: String(r.name),
    headcount: num(r.headcount),
    loadedCost: usd(String(r.loaded)).times(num(r.headcount)),
    pointsBefore: num(r.before),
    pointsAfter: num(r.after),
    spendAfter: usd(String(r.spend)),
  }));
  const min = ctx.privacy.minGroupSize;
  // Teams under the minimum by headcount, and those the audience may not see on their own (too few people
  // behind their facts in the window: metrics/grouping.ts).
  const folded = await foldedTeams(ctx);
  const isSmall = (f: TeamFacts) => f.headcount < min || folded.has(f.key);
  const small = facts.filter(isSmall);
  const kept = facts.filter((f) => !isSmall(f));
  const add = (label: string, key: string, fs: TeamFacts[]): TeamFacts => ({
    key,
    label,
    headcount: fs.reduce((a, f) => a + f.headcount, 0),
    loadedCost: fs.reduce((a, f) => a.plus(f.loadedCost), usd(0)),
    pointsBefore: fs.reduce((a, f) => a + f.pointsBefore, 0),
    pointsAfter: fs.reduce((a, f) => a + f.pointsAfter, 0),
    spendAfter: fs.reduce((a, f) => a.plus(f.spendAfter), usd(0)),
  });
  const groups = [
    ...kept,
    ...(small.length ? [add(`other (${small.length} teams under ${min} people)`, 'other', small)] : []),
    ...(facts.length ? [add('all teams with a loaded cost', 'all', facts)] : []),
  ];
  return {
    window: history,
    by: 'team',
    rows: groups.map((f) => {
      const lift = ratio(f.pointsAfter, f.pointsBefore);
      const liftShare = lift === null ? null : lift - 1;
      // The lift is an estimate (a float ratio of points): its value is shown to the cent, as text.
      const value = liftShare === null ? null : f.loadedCost.times(liftShare).dividedBy(52);
      const spend = f.spendAfter.dividedBy(BLOCK);
      return {
        key: f.key,
        label: f.label,
        values: {
          headcount: f.headcount,
          loaded_cost_per_engineer: f.headcount ? f.loadedCost.dividedBy(f.headcount).toFixed() : null,
          lift: liftShare,
          lift_value_per_week: value === null ? null : value.toFixed(2),
          ai_spend_per_week: spend.toFixed(),
          roi: value === null || spend.isZero() ? null : value.dividedBy(spend).toNumber(),
        },
      };
    }),
    notes: [
      `Assumption: headcount is the people of each team in mileage.yaml today, constant over the period.`,
      `Assumption: loaded cost per engineer per year is the team's loaded_cost_per_engineer; a year is 52 weeks.${unpriced.length ? ` Teams without one are left out: ${unpriced.join(', ')}.` : ''}`,
      `Assumption: delivery = points of merged PRs; lift = points per week ${recentSince}–${history.until} over ${history.since}–${baseUntil}, minus 1.`,
      'Assumption: all of the lift is credited to AI, none to hiring, seasonality or easier work: an upper bound.',
      `AI spend: everything attributed to the team (people, keys, workflows, seats) over ${recentSince}–${history.until}.`,
    ],
  };
}

export const roiMetric = defineMetric({
  id: 'roi.delivery_lift',
  dims: [],
  columns: [
    { id: 'headcount', label: 'engineers', unit: 'people in mileage.yaml' },
    { id: 'loaded_cost_per_engineer', label: 'loaded $/yr', unit: 'USD per engineer per year' },
    { id: 'lift', label: 'delivery lift', unit: 'share (points per week, last 4w vs first 4w)' },
    { id: 'lift_value_per_week', label: 'lift value/wk', unit: 'USD per week' },
    { id: 'ai_spend_per_week', label: 'AI $/wk', unit: 'USD per week' },
    { id: 'roi', label: 'ROI', unit: 'lift value ÷ AI spend' },
  ],
  compute: deliveryLift,
});

export const roi = roiMetric.run;
