import { addDays, daysInMonth, parseDay } from '../domain/time.js';

/** The demo's days: whole weeks ending the day before `end`. */
export interface Calendar {
  start: string;
  end: string;
  days: string[];
  /** UTC midnight of each day, in ms. */
  dayMs: number[];
  weekend: boolean[];
  /** Days of the month each day falls in (a seat costs its monthly price / that, per day). */
  monthDays: number[];
}

/** Four weeks: the edge windows the trajectory and rework trend compare. */
export const EDGE_DAYS = 28;

export function makeCalendar(end: string, months: number): Calendar {
  const weeks = Math.max(2, Math.round((months * 30.44) / 7));
  const start = addDays(end, -weeks * 7);
  const days: string[] = [];
  for (let d = 0; d < weeks * 7; d++) days.push(addDays(start, d));
  const dayMs = days.map((day) => parseDay(day).getTime());
  return {
    start,
    end,
    days,
    dayMs,
    weekend: dayMs.map((ms) => {
      const dow = new Date(ms).getUTCDay();
      return dow === 0 || dow === 6;
    }),
    monthDays: days.map(daysInMonth),
  };
}

/** Position of a day in the period, 0 at the first day and 1 at the last. */
export function position(cal: Calendar, d: number): number {
  return cal.days.length > 1 ? d / (cal.days.length - 1) : 0;
}

/** 0 before a, 1 after b, a smooth S between. */
export function smoothstep(x: number, a: number, b: number): number {
  const u = Math.min(1, Math.max(0, (x - a) / (b - a)));
  return u * u * (3 - 2 * u);
}

/** Indices of the first and the last four weeks (the whole period when shorter than eight weeks). */
export function edgeWindows(cal: Calendar): { first: number[]; last: number[] } {
  const n = cal.days.length;
  const w = Math.min(EDGE_DAYS, n);
  return {
    first: Array.from({ length: w }, (_, i) => i),
    last: Array.from({ length: w }, (_, i) => n - w + i),
  };
}

/** Bisection for an increasing or decreasing f: the x in [lo, hi] where f(x) = target (clamped). */
export function solve(f: (x: number) => number, target: number, lo: number, hi: number): number {
  const increasing = f(hi) >= f(lo);
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < target === increasing) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
