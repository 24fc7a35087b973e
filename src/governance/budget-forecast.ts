import { forecastLogLinear } from '../domain/forecast.js';
import type { Usd } from '../domain/money.js';
import { addDays, daysBetween, weekStart, type DayWindow, type IsoDay } from '../domain/time.js';

export interface BudgetProjection {
  /** The day cumulative spend is projected to pass the amount, or null when it stays under in the period. */
  exceedsOn: IsoDay | null;
  /** Projected spend at the end of the period, to the cent (a projection is no exact sum). */
  projectedTotal: string;
  /** How the daily rate was obtained. */
  basis: 'trend' | 'run_rate';
}

/** Fewer bootstrap draws than the catalog's 2,000: the alert uses the point projection only. */
const ITERATIONS = 50;

/**
 * Where the period is heading: the remaining days at the rate the trajectory forecast gives
 * (trajectory.forecast's model, domain/forecast.ts: a log-linear trend over whole weeks of the subject's
 * spend before this week), or, with fewer than three weeks of history, at the period's own run rate so far.
 */
export function projectBudget(
  period: DayWindow,
  asOf: IsoDay,
  spent: Usd,
  amount: Usd,
  daily: readonly { day: string; cost: string }[],
): BudgetProjection {
  const tomorrow = addDays(asOf, 1);
  const daysLeft = Math.max(0, daysBetween(tomorrow, period.until));
  const thisWeek = weekStart(tomorrow);
  const weekly = new Map<string, number>();
  for (const d of daily)
    if (d.day < thisWeek) weekly.set(weekStart(d.day), (weekly.get(weekStart(d.day)) ?? 0) + Number(d.cost));
  const weeks = [...weekly.keys()].sort();
  const series: number[] = [];
  for (let w = weeks[0]; w !== undefined && w < thisWeek; w = addDays(w, 7)) series.push(weekly.get(w) ?? 0);
  const horizon = Math.max(1, Math.ceil(daysLeft / 7));
  const trend = forecastLogLinear(series, horizon, { iterations: ITERATIONS });
  const elapsed = Math.max(1, daysBetween(period.since, tomorrow));
  const rate = trend ? trend.point / (7 * horizon) : spent.toNumber() / elapsed;
  const remaining = amount.minus(spent).toNumber();
  let exceedsOn: IsoDay | null = null;
  if (remaining > 0 && rate > 0) {
    // The fit is floating point: a flat $100 a day comes back as 99.99999…, which must not push the day on.
    const day = addDays(asOf, Math.ceil(remaining / rate - 1e-9));
    if (day < period.until) exceedsOn = day;
  }
  return {
    exceedsOn,
    projectedTotal: (spent.toNumber() + rate * daysLeft).toFixed(2),
    basis: trend ? 'trend' : 'run_rate',
  };
}
