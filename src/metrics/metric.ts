import type { Privacy } from '../domain/directory.js';
import type { DayWindow } from '../domain/time.js';
import type { Db } from '../store/db.js';

import type { Viewer } from '../org/privacy.js';
import type { MetricFilter } from './filter.js';

export type { Viewer };

export interface MetricContext {
  db: Db;
  window: DayWindow;
  privacy: Privacy;
  viewer: Viewer;
  /**
   * The teams, tools and models this context is narrowed to. Already applied by `db` (metrics/filter.ts
   * `filteredContext` wraps the store so every statement reads filtered relations); kept for notes.
   */
  filter?: MetricFilter;
}

export type Direction = 'higher_is_better' | 'lower_is_better' | 'neutral';

/** A catalog entry: every number the CLI, API, dashboard and reports show is one of these. */
export interface MetricDefinition {
  id: string;
  title: string;
  /** The question a manager asks that this metric answers. */
  question: string;
  formula: string;
  unit: string;
  direction: Direction;
  caveats: string[];
  /** Below this sample the metric is shown greyed out and never used to flag anything. */
  minSample: string;
}

/** Every query is bounded by a time window: [since, until) over a day column. */
export function windowFilter(column = 'day'): string {
  return `${column} >= CAST($since AS DATE) AND ${column} < CAST($until AS DATE)`;
}

export const WINDOW_FILTER = windowFilter();

export function windowParams(w: DayWindow): { since: string; until: string } {
  return { since: w.since, until: w.until };
}
