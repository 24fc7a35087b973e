import type { Privacy } from '../../src/domain/directory.js';
import type { DayWindow } from '../../src/domain/time.js';
import { filteredContext, type MetricFilter } from '../../src/metrics/filter.js';
import type { MetricContext, Viewer } from '../../src/metrics/metric.js';
import { QUERIES } from '../../src/metrics/registry.js';
import type { Db } from '../../src/store/db.js';

/**
 * Every catalog metric's answer, ungrouped and by every dimension it takes: what a store gives for a window, viewer
 * and filter, keyed `metric[ by dim]`. Two stores holding the
 * same facts (DuckDB and ClickHouse, or one store before and after a change) must give equal answers; errors
 * are kept as answers so one broken metric does not hide the others.
 */
export async function catalogAnswers(
  db: Db,
  window: DayWindow,
  privacy: Privacy,
  viewer: Viewer = { role: 'owner' },
  filter?: MetricFilter,
): Promise<Record<string, unknown>> {
  const whole: MetricContext = { db, window, privacy, viewer };
  // Through a filter (a manager's teams, `team=`, `tool=`…): every relation read narrowed, as the server reads.
  const ctx = filter ? filteredContext(whole, filter) : whole;
  const out: Record<string, unknown> = {};
  for (const q of QUERIES) {
    for (const by of [null, ...q.dims]) {
      const key = `${q.id}${by ? ` by ${by}` : ''}`;
      try {
        out[key] = JSON.parse(JSON.stringify(await q.run(ctx, by))) as unknown;
      } catch (cause) {
        out[key] = { error: cause instanceof Error ? cause.message.split('\n')[0] : String(cause) };
      }
    }
  }
  return out;
}
