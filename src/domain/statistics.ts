/** Small, dependency-free statistics used by diagnostics. Deterministic: randomness comes from a seed. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Median absolute deviation: a spread that a single spike cannot inflate. */
export function mad(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}

/** mulberry32: a tiny seeded PRNG, so a bootstrap gives the same interval on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RatioSample {
  numerator: number;
  denominator: number;
}

/**
 * Percentile-bootstrap interval of (Σnum/Σden of A) ÷ (Σnum/Σden of B), resampling the units (e.g. weeks)
 * of each side with replacement. Resamples with a zero denominator are skipped.
 */
export function bootstrapRatioOfRatios(
  a: readonly RatioSample[],
  b: readonly RatioSample[],
  options: { iterations?: number; level?: number; seed?: number } = {},
): { low: number; high: number } {
  const iterations = options.iterations ?? 2000;
  const level = options.level ?? 0.9;
  const rand = seededRandom(options.seed ?? 1);
  const resampledRatio = (units: readonly RatioSample[]): number => {
    let num = 0;
    let den = 0;
    for (let i = 0; i < units.length; i++) {
      const u = units[Math.floor(rand() * units.length)] as RatioSample;
      num += u.numerator;
      den += u.denominator;
    }
    return den === 0 ? Number.NaN : num / den;
  };
  const ratios: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const r = resampledRatio(a) / resampledRatio(b);
    if (Number.isFinite(r)) ratios.push(r);
  }
  return { low: quantile(ratios, (1 - level) / 2), high: quantile(ratios, 1 - (1 - level) / 2) };
}
