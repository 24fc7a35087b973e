import { Decimal } from 'decimal.js';
import type { Cell } from './types.js';

/**
 * Display formats. Money arrives as decimal strings (or numbers for derived ratios) and is only rounded
 * here, for display; nothing is summed in the browser.
 */
const NONE = '—';

function toNumber(v: Cell): number | null {
  if (v === null || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Exact decimal text as the API sends money; null when the value is not a number. */
function toDecimal(v: Cell): Decimal | null {
  if (v === null || v === '') return null;
  try {
    const d = new Decimal(v);
    return d.isFinite() ? d : null;
  } catch {
    return null;
  }
}

/**
 * Money as the API sends it (exact decimal text, or a number for a derived figure), rounded here with
 * decimal arithmetic (half to even, as the server rounds) and never through a float.
 */
export function usd(v: Cell): string {
  const d = toDecimal(v);
  if (d === null) return NONE;
  const sign = d.isNegative() && !d.isZero() ? '-' : '';
  const abs = d.abs();
  // Sub-dollar unit costs (per outcome, per million tokens) need more than cents to be comparable.
  if (!abs.isZero() && abs.lessThan(1))
    return `${sign}$${abs.toSignificantDigits(3, Decimal.ROUND_HALF_EVEN).toString()}`;
  const [whole = '0', frac = '00'] = abs.toFixed(2, Decimal.ROUND_HALF_EVEN).split('.');
  return `${sign}$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}

/** An amount of money (unit `USD`): null is unpriced, never $0.00. */
export function amount(v: Cell): string {
  return v === null ? 'unpriced' : usd(v);
}

export function integer(v: Cell): string {
  const n = toNumber(v);
  return n === null ? NONE : whole.format(n);
}

export function decimal(v: Cell, digits = 1): string {
  const n = toNumber(v);
  return n === null
    ? NONE
    : new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
        n,
      );
}

export function percent(v: Cell): string {
  const n = toNumber(v);
  return n === null ? NONE : `${(n * 100).toFixed(1)}%`;
}

/** A share change in percentage points. */
export function points(v: Cell): string {
  const n = toNumber(v);
  return n === null ? NONE : `${n > 0 ? '+' : ''}${(n * 100).toFixed(1)} pts`;
}

export function multiple(v: Cell): string {
  const n = toNumber(v);
  return n === null ? NONE : `${n.toFixed(2)}x`;
}

/** The formatter for a catalog column, chosen by its unit. */
export function byUnit(unit: string, v: Cell): string {
  if (typeof v === 'string' && toNumber(v) === null) return v;
  const u = unit.toLowerCase();
  if (u === 'share points' || u === 'share change') return points(v);
  if (u.startsWith('share')) return percent(v);
  if (u === 'usd') return amount(v);
  if (u.startsWith('usd')) return usd(v);
  if (u.startsWith('multiple') || u.startsWith('ratio')) return multiple(v);
  if (u.startsWith('tokens') || u === 'count' || u === 'lines' || u.startsWith('people')) return integer(v);
  if (u === 'hours' || u.startsWith('points')) return decimal(v, u.includes('usd') ? 3 : 1);
  if (u === 'monday' || u === 'label' || u === 'text' || u === 'kind' || u.includes('|'))
    return String(v ?? NONE);
  return typeof v === 'number' ? decimal(v, 2) : String(v ?? NONE);
}

export const isNone = (text: string): boolean => text === NONE;
