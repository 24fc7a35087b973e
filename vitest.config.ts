import { defineConfig } from 'vitest/config';

/**
 * Two test files at a time, not vitest's default of one on a 2-core machine (cores − 1): most files wait on
 * something outside the worker (a CLI child process, a server, DuckDB's own threads, a browser), so a second
 * file in flight uses the time the first spends waiting. VITEST_MAX_WORKERS overrides it.
 */
const maxWorkers = Number(process.env.VITEST_MAX_WORKERS ?? 2);

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers,
    env: { TZ: 'UTC', NO_COLOR: '1', COLUMNS: '120' },
  },
});
