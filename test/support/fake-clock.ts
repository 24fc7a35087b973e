import type { Clock } from '../../src/connectors/http/clock.js';

/** A clock for tests: `sleep` returns at once, advances `now` and records each wait in milliseconds. */
export function fakeClock(start = Date.parse('2026-07-01T00:00:00Z')): Clock & { waits: number[] } {
  let now = start;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: (ms, signal) => {
      if (signal?.aborted) return Promise.reject(signal.reason as Error);
      waits.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}
