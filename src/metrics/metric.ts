import type { Privacy } from '../domain/directory.js';
import type { DayWindow } from '../domain/time.js';
import type { Db } from '../store/db.js';
import { dialectFor, type SqlDialect } from '../store/sql/dialect.js';

import type { Viewer } from '../org/privacy.js';
import type { MetricFilter } from './filter.js';

export type { Viewer };

export interface MetricContext {
  db: Db;
  window: DayWindow;
  privacy: Privacy;
  viewer: Viewer;
  /**
   * The teams, tools and models this context is narrowed to. Already carried by `db` (metrics/filter.ts
   * `filteredContext`): every relation a statement names through `relation(ctx, …)` reads the narrowed facts;
   * kept here for privacy rules and notes.
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

/** The SQL dialect of the store a metric reads: the engine-specific pieces of its statements. */
export function dialectOf(ctx: Pick<MetricContext, 'db'>): SqlDialect {
  return dialectFor(ctx.db.dialect);
}

/**
 * Every query is bounded by a time window: [since, until) over a day column. Statements that run on either
 * engine pass their context or dialect; the default is DuckDB's, for statements not yet moved to the seam.
 */
export function windowFilter(
  column = 'day',
  on: SqlDialect | Pick<MetricContext, 'db'> = dialectFor('duckdb'),
): string {
  const d = 'db' in on ? dialectOf(on) : on;
  return `${column} >= ${d.param('since', 'Date')} AND ${column} < ${d.param('until', 'Date')}`;
}

export const WINDOW_FILTER = windowFilter();

export function windowParams(w: DayWindow): { since: string; until: string } {
  return { since: w.since, until: w.until };
}
