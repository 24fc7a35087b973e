import { usd } from '../domain/money.js';
import { addDays, daysBetween, weekStart, type DayWindow } from '../domain/time.js';
import type { Row } from '../store/db.js';

export type { Cell, MetricColumn, MetricRow, MetricTable } from './metric-table.js';

/**
 * A count or a sum of counts (PRs, tokens, points, lines, people): NULL is a sum over no rows, so 0. Never for
 * money (`money()`: exact text, null when unpriced) nor for a figure whose absence means unknown — a median,
 * a share, a ratio (`numOrNull()`).
 */
export const num = (v: Row[string] | undefined): number => (v === null || v === undefined ? 0 : Number(v));

export const numOrNull = (v: Row[string] | undefined): number | null =>
  v === null || v === undefined ? null : Number(v);

/**
 * Money in a table cell: exact decimal text (the store's DECIMAL cast to VARCHAR, or a decimal.js result),
 * never a float, and null for an unpriced amount. Renderers round it for display and never add it up as a
 * float; a money column whose unit is exactly `USD` shows null as "unpriced", never as $0.00.
 */
export const money = (v: Row[string] | undefined): string | null =>
  v === null || v === undefined ? null : usd(String(v)).toFixed();

/** Digits kept by a money ratio (a cost per PR, per outcome): exact to far below a cent. */
const RATIO_PLACES = 10;

/** amount ÷ count as exact decimal text, or null when the amount is unknown or the count is zero or missing. */
export function moneyPer(amount: string | null, count: number | null): string | null {
  return amount === null || count === null || count === 0
    ? null
    : usd(amount).dividedBy(count).toFixed(RATIO_PLACES);
}

/** part ÷ whole of two exact amounts, as a share (a number: shares are not money), null when whole is 0. */
export function moneyShare(part: string | null, whole: string | null): number | null {
  if (part === null || whole === null) return null;
  const w = usd(whole);
  return w.isZero() ? null : usd(part).dividedBy(w).toNumber();
}

/** a ÷ b, or null when b is zero or missing: a ratio never pretends a missing denominator is a number. */
export function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

/** The window of the same length just before this one, for "its change". */
export function previousWindow(w: DayWindow): DayWindow {
  const days = daysBetween(w.since, w.until);
  return { since: addDays(w.since, -days), until: w.since };
}

/**
 * The `weeks` whole weeks (Monday to Sunday) ending at the window's end, or at the Monday before it when the
 * window ends mid-week: history for bands, trajectory and forecast.
 */
export function weeksEnding(w: DayWindow, weeks: number): DayWindow {
  const until = weekStart(w.until);
  return { since: addDays(until, -7 * weeks), until };
}
