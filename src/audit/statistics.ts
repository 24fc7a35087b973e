/**
 * The statistics an audit verdict rests on, each a textbook formula in a few lines so a reader can check it:
 * Wilson's score interval for a pass rate, the exact binomial test against the bar's rate, McNemar's exact
 * test on the paired discordant cases, a paired difference interval for the non-inferiority margin, and how
 * many cases would make an undecided interval decide. The tests compare every figure with scipy's.
 */

/** The two-sided 95% normal quantile, Φ⁻¹(0.975). */
export const Z95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson's score interval for `successes` out of `n` (Wilson 1927): unlike the Wald interval it stays inside
 * [0, 1] and keeps its coverage near 0% and 100%, where audit pass rates live. `successes` may be fractional
 * (a projected rate at a larger n).
 */
export function wilson(successes: number, n: number, z = Z95): Interval {
  if (n <= 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** log(n choose k) as a sum of logs: exact enough for the few thousand cases an audit has, and dependency-free. */
function logChoose(n: number, k: number): number {
  const m = Math.min(k, n - k);
  let s = 0;
  for (let i = 1; i <= m; i++) s += Math.log(n - m + i) - Math.log(i);
  return s;
}

function binomialPmf(k: number, n: number, p: number): number {
  if (p === 0) return k === 0 ? 1 : 0;
  if (p === 1) return k === n ? 1 : 0;
  return Math.exp(logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

/** P(X ≥ k) for X ~ Binomial(n, p): the one-sided exact p-value of "the pass rate exceeds p". */
export function binomialUpperTail(k: number, n: number, p: number): number {
  let s = 0;
  for (let i = Math.max(0, k); i <= n; i++) s += binomialPmf(i, n, p);
  return Math.min(1, s);
}

/** P(X ≤ k) for X ~ Binomial(n, p): the one-sided exact p-value of "the pass rate falls short of p". */
export function binomialLowerTail(k: number, n: number, p: number): number {
  let s = 0;
  for (let i = 0; i <= Math.min(k, n); i++) s += binomialPmf(i, n, p);
  return Math.min(1, s);
}

/**
 * McNemar's exact test (two-sided) on the paired cases where the two models disagree: `b` cases only the
 * incumbent passed, `c` only the candidate passed. Under "neither is better" each discordant case is a fair
 * coin, so the p-value is twice the smaller binomial tail, capped at 1; with no discordant case it is 1.
 */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  return Math.min(1, 2 * binomialLowerTail(Math.min(b, c), n, 0.5));
}

/**
 * The candidate's pass rate minus the incumbent's on the same `n` cases, with its 95% interval from the paired
 * (Wald) variance of a difference of correlated proportions: only the discordant cases carry information.
 * Non-inferior at margin δ when the interval's low end lies above −δ; inferior when its high end lies below −δ.
 */
export function pairedDifference(
  b: number,
  c: number,
  n: number,
  z = Z95,
): Interval & { difference: number } {
  if (n <= 0) return { difference: 0, low: -1, high: 1 };
  const difference = (c - b) / n;
  const variance = (b + c - ((c - b) * (c - b)) / n) / (n * n);
  const half = z * Math.sqrt(Math.max(0, variance));
  return { difference, low: Math.max(-1, difference - half), high: Math.min(1, difference + half) };
}

/**
 * The total number of cases at which a pass rate equal to the observed one would give a Wilson interval that
 * excludes the required rate (on either side): the answer to "how many more cases would decide it". Null when
 * the observed rate equals the requirement (no number of cases can separate them) or none is observed yet.
 */
export function casesToDecide(observedRate: number, required: number, currentN: number): number | null {
  if (currentN <= 0 || observedRate === required) return null;
  const decided = (n: number) => {
    const w = wilson(observedRate * n, n);
    return observedRate > required ? w.low >= required : w.high < required;
  };
  if (decided(currentN)) return currentN;
  let high = Math.max(1, currentN);
  while (!decided(high)) {
    high *= 2;
    if (high > 1e9) return null;
  }
  let low = Math.max(1, Math.floor(high / 2));
  // The bound moves monotonically towards the observed rate as n grows: bisect the first n that decides.
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (decided(mid)) high = mid;
    else low = mid + 1;
  }
  return high;
}

/** The p-th quantile (0–1) by linear interpolation, for latency p50/p95; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}
