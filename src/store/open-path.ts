import { resolve } from 'node:path';
import { isClickHouseLocation } from './clickhouse/location.js';

export const DEFAULT_DB_PATH = '.mileage/mileage.duckdb';

/**
 * `--db`/`--store` wins, then MILEAGE_DB, then ./.mileage/mileage.duckdb. `:memory:` keeps nothing on disk; a
 * `clickhouse://` location is a server, kept as given.
 */
export function resolveDbPath(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  const chosen = explicit ?? env.MILEAGE_DB ?? DEFAULT_DB_PATH;
  return chosen === ':memory:' || isClickHouseLocation(chosen) ? chosen : resolve(cwd, chosen);
}

/** Whether the store is a server several processes share (no lock file, no local log beside it). */
export function isSharedStore(location: string): boolean {
  return isClickHouseLocation(location);
}
