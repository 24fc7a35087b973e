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
const two = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function usd(v: Cell): string {
  const n = toNumber(v);
  if (n === null) return NONE;
  // Sub-dollar unit costs (per outcome, per million tokens) need more than cents to be comparable.
  if (n !== 0 && Math.abs(n) < 1) return `${n < 0 ? '-' : ''}$${Math.abs(n).toPrecision(3)}`;
  return `${n < 0 ? '-' : ''}$${two.format(Math.abs(n))}`;
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
  if (u.startsWith('usd')) return usd(v);
  if (u.startsWith('multiple') || u.startsWith('ratio')) return multiple(v);
  if (u.startsWith('tokens') || u === 'count' || u === 'lines' || u.startsWith('people')) return integer(v);
  if (u === 'hours' || u.startsWith('points')) return decimal(v, u.includes('usd') ? 3 : 1);
  if (u === 'monday' || u === 'label' || u === 'text' || u === 'kind' || u.includes('|'))
    return String(v ?? NONE);
  return typeof v === 'number' ? decimal(v, 2) : String(v ?? NONE);
}

export const isNone = (text: string): boolean => text === NONE;
