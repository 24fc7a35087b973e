import type { Usd } from '../domain/money.js';

interface Last {
  timeNs: bigint;
  value: Usd;
}

/**
 * Turns cumulative points into deltas. A series is one metric with one attribute set (resource and point)
 * and one start time: a new start time is a restart of the counter, so it begins a new series that counts
 * from its start. Within a series each point yields the increase since the previous point, over
 * [previous time, time]; a point that is not newer than the last one seen (a retried export) yields
 * nothing, so it is counted once. A value below the previous one without a new start time is a reset: the
 * whole value is the increase.
 *
 * The state is in memory and bounded (the least recently updated series are forgotten first). After a
 * receiver restart the first point of a series still running counts from the series' start again, which
 * overlaps what was stored before the restart: exporters should prefer delta temporality, which Claude
 * Code uses by default.
 */
export class CumulativeSeries {
  private readonly last = new Map<string, Last>();

  constructor(private readonly maxSeries = 200_000) {}

  get size(): number {
    return this.last.size;
  }

  delta(series: string, startNs: bigint, timeNs: bigint, value: Usd): { fromNs: bigint; value: Usd } | null {
    const key = `${series}@${startNs}`;
    const prev = this.last.get(key);
    if (prev && timeNs <= prev.timeNs) return null;
    this.last.delete(key);
    this.last.set(key, { timeNs, value });
    if (this.last.size > this.maxSeries) {
      const oldest = this.last.keys().next();
      if (!oldest.done) this.last.delete(oldest.value);
    }
    if (!prev) return { fromNs: startNs > 0n && startNs < timeNs ? startNs : timeNs, value };
    if (value.lessThan(prev.value)) return { fromNs: prev.timeNs, value };
    return { fromNs: prev.timeNs, value: value.minus(prev.value) };
  }
}
