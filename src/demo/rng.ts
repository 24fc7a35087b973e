/**
 * The demo's own deterministic randomness: sfc32 (a small, fast 32-bit generator) seeded through
 * splitmix32. Same seed, same organisation, byte for byte; never Math.random. Each concern of the
 * generator draws from its own fork, so changing how one part draws does not reshuffle the others.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  between(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  normal(): number;
  lognormal(median: number, sigma: number): number;
  poisson(mean: number): number;
  hex(n: number): string;
  /** Base62 text, as in Anthropic ids (`msg_01…`, `apikey_01…`). */
  base62(n: number): string;
  uuid(): string;
  /** An independent generator derived from this one's seed and a label. */
  fork(label: string): Rng;
}

function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a of a label, mixed with the seed: the seed of a fork. */
function mix(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const HEX = '0123456789abcdef';
const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function makeRng(seed: number): Rng {
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32();
  const next = () => u32() / 4294967296;
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const chars = (alphabet: string, n: number) => {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[u32() % alphabet.length] ?? '0';
    return out;
  };
  const rng: Rng = {
    next,
    int: (n) => Math.floor(next() * n),
    between: (lo, hi) => lo + (hi - lo) * next(),
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    normal,
    lognormal: (median, sigma) => median * Math.exp(sigma * normal()),
    poisson(mean) {
      if (!(mean > 0)) return 0;
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
    hex(n) {
      let out = '';
      while (out.length < n) {
        const x = u32();
        out += `${BYTE_HEX[x & 255]}${BYTE_HEX[(x >>> 8) & 255]}${BYTE_HEX[(x >>> 16) & 255]}${BYTE_HEX[x >>> 24]}`;
      }
      return out.length > n ? out.slice(0, n) : out;
    },
    base62: (n) => chars(B62, n),
    uuid() {
      const h = rng.hex(31);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(12, 15)}-${HEX[8 + (u32() & 3)]}${h.slice(15, 18)}-${h.slice(18, 30)}`;
    },
    fork: (label) => makeRng(mix(seed, label)),
  };
  return rng;
}
