import type { DayWindow } from '../domain/time.js';
import type { MetricContext } from './metric.js';
import { previousWindow, ratio } from './table.js';

/** One group's figure in the window, the same figure in the window before, and the ratio of the two. */
export interface WindowChange<T> {
  key: string;
  /** What the window's read returned for this group (its label, counts…). */
  now: T;
  value: number | null;
  /** The group's figure in the window of the same length just before; null when it had none. */
  previous: number | null;
  /** value ÷ previous: the trend (1.2 = 20% more); null when either side is missing or previous is 0. */
  change: number | null;
}

/**
 * "This window against the one before": reads per-group facts for the context's window and for the window
 * of the same length just before it (side by side on the store's read connections), and pairs each group of
 * the window with its own earlier figure. Groups only seen before the window have no row: a trend is about
 * what the window shows. Cycle time, epic lead time and tokens per point all answer this way.
 */
export async function againstPreviousWindow<T>(
  ctx: Pick<MetricContext, 'window'>,
  read: (window: DayWindow) => Promise<ReadonlyMap<string, T>>,
  figure: (x: T) => number | null,
): Promise<{ before: DayWindow; rows: WindowChange<T>[] }> {
  const before = previousWindow(ctx.window);
  const [now, then] = await Promise.all([read(ctx.window), read(before)]);
  return {
    before,
    rows: [...now].map(([key, x]) => {
      const earlier = then.get(key);
      const value = figure(x);
      const previous = earlier === undefined ? null : figure(earlier);
      return { key, now: x, value, previous, change: ratio(value, previous) };
    }),
  };
}

/** The two columns every such table carries after its figure: the earlier figure and the change. */
export function previousColumns<P extends string, C extends string>(
  ctx: Pick<MetricContext, 'window'>,
  ids: { previous: P; change: C },
  unit: string,
) {
  return [
    { id: ids.previous, label: `before ${ctx.window.since}`, unit },
    { id: ids.change, label: 'change', unit: 'ratio to the previous window' },
  ] as const;
}

/** The note naming the window a trend compares with, in the same words on every table. */
export const previousWindowNote = (before: DayWindow): string =>
  `Previous window: ${before.since} to ${before.until} (exclusive), same length.`;
