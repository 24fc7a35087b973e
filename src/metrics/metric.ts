import type { Privacy } from '../domain/directory.js';
import type { DayWindow } from '../domain/time.js';
import type { Db } from '../store/db.js';

import type { Viewer } from '../org/privacy.js';

export type { Viewer };

export interface MetricContext {
  db: Db;
  window: DayWindow;
  privacy: Privacy;
  viewer: Viewer;
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

export const WINDOW_FILTER = 'day >= CAST($since AS DATE) AND day < CAST($until AS DATE)';

export function windowParams(w: DayWindow): { since: string; until: string } {
  return { since: w.since, until: w.until };
}
