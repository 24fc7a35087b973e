import { seededRandom } from '../domain/statistics.js';

/** Deterministic randomness for the demo: same seed, same organisation, byte for byte. */
export interface Rng {
  next(): number;
  int(n: number): number;
  between(lo: number, hi: number): number;
  lognormal(median: number, sigma: number): number;
  poisson(mean: number): number;
  uuid(): string;
  hex(n: number): string;
}

export function makeRng(seed: number): Rng {
  const next = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const hex = (n: number) => {
    let out = '';
    while (out.length < n) out += ((next() * 4294967296) >>> 0).toString(16).padStart(8, '0');
    return out.slice(0, n);
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    between: (lo, hi) => lo + (hi - lo) * next(),
    lognormal: (median, sigma) => median * Math.exp(sigma * normal()),
    poisson(mean) {
      if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal()));
      const l = Math.exp(-mean);
      let k = 0;
      let p = 1;
      do {
        k++;
        p *= next();
      } while (p > l);
      return k - 1;
    },
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
    hex,
  };
}
