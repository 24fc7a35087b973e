import { weeklyReport, type WeeklyReport } from '../../diagnostics/weekly.js';
import type { DayWindow } from '../../domain/time.js';
import type { ServerDeps } from '../deps.js';
import { filteredDb } from '../../metrics/filter.js';
import { cachedExtent, type Scope } from './scope.js';

/**
 * The weekly diagnostic for a scope (viewer, filter) and window, computed once per data version: it is the
 * heaviest answer (a dozen statements, over a second on 10M records) and changes only when the data does.
 */
export function weeklyAnswer(
  deps: ServerDeps,
  scope: Pick<Scope, 'filter' | 'viewer'>,
  window: Partial<DayWindow>,
): Promise<WeeklyReport | null> {
  const key = `weekly|${JSON.stringify(scope.viewer)}|${JSON.stringify(scope.filter)}|${window.since ?? ''}|${window.until ?? ''}`;
  return deps.cache.value(key, async () =>
    weeklyReport({
      db: filteredDb(deps.db, scope.filter),
      org: deps.org,
      privacy: deps.privacy,
      viewer: scope.viewer,
      filter: scope.filter,
      reprice: deps.reprice,
      window,
      extent: await cachedExtent(deps, scope.filter),
    }),
  );
}

/**
 * Computes the default weekly diagnostic (the dashboard's first page) for admins and viewers, so the first
 * request after start-up or after new data finds it ready. Managers' scopes are computed when asked.
 */
export async function warmWeekly(deps: ServerDeps): Promise<void> {
  for (const role of ['admin', 'viewer'] as const) {
    await weeklyAnswer(deps, { filter: {}, viewer: { role } }, {});
  }
}
