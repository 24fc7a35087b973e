import { addDays, daysBetween, weekStart, type DayWindow } from '../domain/time.js';
import type { Row } from '../store/db.js';

/**
 * The answer of a catalog metric in one shape every surface can print: one row per group (or per day, week,
 * category…), named value columns, and notes that print every assumption and fallback that shaped it.
 */
export type Cell = number | string | null;

export interface MetricColumn {
  id: string;
  label: string;
  unit: string;
}

export interface MetricRow {
  key: string;
  label: string;
  values: Record<string, Cell>;
}

export interface MetricTable {
  metric: string;
  window: DayWindow;
  /** The grouping actually used (person falls back to team when people may not be named); null = none. */
  by: string | null;
  columns: MetricColumn[];
  rows: MetricRow[];
  notes: string[];
}

export const num = (v: Row[string] | undefined): number => (v === null || v === undefined ? 0 : Number(v));

export const numOrNull = (v: Row[string] | undefined): number | null =>
  v === null || v === undefined ? null : Number(v);

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
