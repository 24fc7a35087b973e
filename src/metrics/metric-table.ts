import type { DayWindow } from '../domain/time.js';

/**
 * The answer of a catalog metric in one shape every surface can print: one row per group (or per day, week,
 * category…), named value columns, and notes that print every assumption and fallback that shaped it.
 *
 * Dependency-free apart from the day window, so the dashboard (web/src/types.ts) reads the server's one
 * definition instead of a copy.
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
