import { forecastLogLinear } from '../domain/forecast.js';
import { usd } from '../domain/money.js';
import { addDays } from '../domain/time.js';
import { defineMetric } from './define.js';
import { weeklySeries, type WeeklyPoint } from './delivery.js';
import type { MetricContext } from './metric.js';
import { ratio, weeksEnding } from './table.js';

export const HORIZONS = [4, 13, 26] as const;
const BLOCK = 4;

/** Weekly spend and delivery over `weeks` whole weeks ending with the window, empty weeks filled with 0. */
async function weeksTo(ctx: MetricContext, weeks: number): Promise<WeeklyPoint[]> {
  const w = weeksEnding(ctx.window, weeks);
  const got = new Map((await weeklySeries({ ...ctx, window: w })).map((p) => [p.week, p]));
  return Array.from({ length: weeks }, (_, i) => {
    const week = addDays(w.since, 7 * i);
    return got.get(week) ?? { week, cost: usd(0), prs: 0, points: 0, reworkPrs: 0 };
  });
}

const sum = (ws: WeeklyPoint[], f: (w: WeeklyPoint) => number) => ws.reduce((a, w) => a + f(w), 0);
/** Spend of some weeks, summed exactly. */
const spendOf = (ws: WeeklyPoint[]) => ws.reduce((a, w) => a.plus(w.cost), usd(0));

/**
 * trajectory.growth: for N = 4, 13 and 26 weeks, spend and delivery points of the last 4 weeks against the
 * first 4 weeks of the last N (for N = 4, against the 4 weeks before them), and the marginal return: extra
 * points per extra dollar between the two blocks. Windows are whole weeks ending with the window's end.
 */
async function growthByHorizon(ctx: MetricContext) {
  const weeks = await weeksTo(ctx, 26 + BLOCK);
  const last = weeks.slice(-BLOCK);
  return {
    window: weeksEnding(ctx.window, 26 + BLOCK),
    by: 'horizon',
    rows: HORIZONS.map((n) => {
      const start = weeks.length - Math.max(n, 2 * BLOCK);
      const first = weeks.slice(start, start + BLOCK);
      const exactBefore = spendOf(first);
      const exactAfter = spendOf(last);
      const spendBefore = exactBefore.toNumber();
      const spendAfter = exactAfter.toNumber();
      const pointsBefore = sum(first, (w) => w.points);
      const pointsAfter = sum(last, (w) => w.points);
      const spendGrowth = ratio(spendAfter, spendBefore);
      const deliveryGrowth = ratio(pointsAfter, pointsBefore);
      return {
        key: `${n}w`,
        label: `${n} weeks${spendGrowth !== null && deliveryGrowth !== null ? `: spend ${spendGrowth.toFixed(1)}x, delivery ${deliveryGrowth.toFixed(1)}x` : ''}`,
        values: {
          spend_growth: spendGrowth,
          delivery_growth: deliveryGrowth,
          marginal_return: ratio(pointsAfter - pointsBefore, spendAfter - spendBefore),
          spend_before: exactBefore.toFixed(),
          spend_after: exactAfter.toFixed(),
          points_before: pointsBefore,
          points_after: pointsAfter,
        },
      };
    }),
    notes: [
      `Blocks of ${BLOCK} whole weeks ending ${ctx.window.until}: a horizon whose first block has no spend (no data yet) shows no growth.`,
      'Marginal return: (points last 4w − points first 4w) ÷ (spend last 4w − spend first 4w); negative when one side fell.',
    ],
  };
}

export const trajectoryGrowthMetric = defineMetric({
  id: 'trajectory.growth',
  dims: [],
  columns: [
    { id: 'spend_growth', label: 'spend', unit: 'multiple' },
    { id: 'delivery_growth', label: 'delivery', unit: 'multiple of points' },
    { id: 'marginal_return', label: 'Δpoints / Δ$', unit: 'points per extra USD' },
    { id: 'spend_before', label: 'spend, first 4w', unit: 'USD' },
    { id: 'spend_after', label: 'spend, last 4w', unit: 'USD' },
    { id: 'points_before', label: 'points, first 4w', unit: 'points' },
    { id: 'points_after', label: 'points, last 4w', unit: 'points' },
  ],
  compute: growthByHorizon,
});

export const trajectoryGrowth = trajectoryGrowthMetric.run;

export const FORECAST_HISTORY_WEEKS = 26;
export const FORECAST_HORIZON_WEEKS = 13;

/**
 * trajectory.forecast: next quarter's (13 weeks') spend from a log-linear trend over up to 26 whole weeks
 * ending with the window, with an 80% residual-bootstrap interval (see domain/forecast.ts).
 */
async function nextQuarter(ctx: MetricContext) {
  const weeks = await weeksTo(ctx, FORECAST_HISTORY_WEEKS);
  const firstWithSpend = weeks.findIndex((w) => w.cost.greaterThan(0));
  const series = firstWithSpend < 0 ? [] : weeks.slice(firstWithSpend).map((w) => w.cost.toNumber());
  const f = series.length >= 8 ? forecastLogLinear(series, FORECAST_HORIZON_WEEKS) : null;
  const lastQuarter = spendOf(weeks.slice(-FORECAST_HORIZON_WEEKS));
  // A projection is no exact sum: shown to the cent, as text like every amount of money.
  const cents = (v: number | undefined) => (v === undefined ? null : v.toFixed(2));
  return {
    window: { since: ctx.window.until, until: addDays(ctx.window.until, 7 * FORECAST_HORIZON_WEEKS) },
    by: null,
    rows: [
      {
        key: 'next_quarter',
        label: 'next quarter',
        values: {
          forecast: cents(f?.point),
          low: cents(f?.low),
          high: cents(f?.high),
          last_13_weeks: lastQuarter.toFixed(),
          weekly_growth: f?.weeklyGrowth ?? null,
          weeks_fitted: f?.weeksFitted ?? series.length,
        },
      },
    ],
    notes: [
      `Model: least-squares line through ln(weekly spend) over the whole weeks to ${ctx.window.until} (up to ${FORECAST_HISTORY_WEEKS}, from the first week with spend), projected ${FORECAST_HORIZON_WEEKS} weeks; smearing-corrected mean.`,
      'Interval: 80%, residual bootstrap (2,000 seeded resamples, refit, simulated weeks): deterministic.',
      'Needs 8 weeks of spend; a trend says nothing about a planned rollout or a price change.',
    ],
  };
}

export const spendForecastMetric = defineMetric({
  id: 'trajectory.forecast',
  dims: [],
  columns: [
    { id: 'forecast', label: 'next 13 weeks', unit: 'USD (forecast)' },
    { id: 'low', label: 'low (10%)', unit: 'USD (forecast)' },
    { id: 'high', label: 'high (90%)', unit: 'USD (forecast)' },
    { id: 'last_13_weeks', label: 'last 13 weeks', unit: 'USD' },
    { id: 'weekly_growth', label: 'weekly growth', unit: 'multiple per week' },
    { id: 'weeks_fitted', label: 'weeks fitted', unit: 'count' },
  ],
  compute: nextQuarter,
});

export const spendForecast = spendForecastMetric.run;
