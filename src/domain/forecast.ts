import { quantile, seededRandom } from './statistics.js';

/**
 * Next-period spend from a log-linear trend: ln(weekly spend) = a + b·t, fitted by least squares over the
 * weeks given (t = 0, 1, …; weeks with no spend are left out, a log needs a positive value).
 * - point: Σ over the horizon of exp(a + b·t), times Duan's smearing factor mean(exp(residual)) so the
 *   estimate is of the mean, not the median, of spend;
 * - interval: a residual bootstrap — the fitted curve plus resampled residuals gives a new series, the trend
 *   is refitted, and the horizon is simulated with resampled residuals; the 10th and 90th percentiles of
 *   the simulated totals (an 80% interval). The generator is seeded: the same input gives the same interval.
 */
export interface LogLinearForecast {
  weeksFitted: number;
  /** Weekly growth factor exp(b). */
  weeklyGrowth: number;
  point: number;
  low: number;
  high: number;
  level: number;
}

export function fitLogLinear(ts: readonly number[], ys: readonly number[]): { a: number; b: number } {
  const n = ts.length;
  const mt = ts.reduce((s, t) => s + t, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dt = (ts[i] as number) - mt;
    sxy += dt * ((ys[i] as number) - my);
    sxx += dt * dt;
  }
  const b = sxx === 0 ? 0 : sxy / sxx;
  return { a: my - b * mt, b };
}

export function forecastLogLinear(
  weekly: readonly number[],
  horizon: number,
  options: { iterations?: number; level?: number; seed?: number } = {},
): LogLinearForecast | null {
  const ts: number[] = [];
  const ys: number[] = [];
  weekly.forEach((v, t) => {
    if (v > 0) {
      ts.push(t);
      ys.push(Math.log(v));
    }
  });
  if (ts.length < 3) return null;
  const iterations = options.iterations ?? 2000;
  const level = options.level ?? 0.8;
  const { a, b } = fitLogLinear(ts, ys);
  const residuals = ts.map((t, i) => (ys[i] as number) - (a + b * t));
  const smear = residuals.reduce((s, e) => s + Math.exp(e), 0) / residuals.length;
  const future = Array.from({ length: horizon }, (_, h) => weekly.length + h);
  const point = future.reduce((s, t) => s + Math.exp(a + b * t), 0) * smear;

  const rand = seededRandom(options.seed ?? 20260101);
  const draw = () => residuals[Math.floor(rand() * residuals.length)] as number;
  const totals: number[] = [];
  for (let k = 0; k < iterations; k++) {
    const ysStar = ts.map((t) => a + b * t + draw());
    const fit = fitLogLinear(ts, ysStar);
    totals.push(future.reduce((s, t) => s + Math.exp(fit.a + fit.b * t + draw()), 0));
  }
  return {
    weeksFitted: ts.length,
    weeklyGrowth: Math.exp(b),
    point,
    low: quantile(totals, (1 - level) / 2),
    high: quantile(totals, 1 - (1 - level) / 2),
    level,
  };
}
