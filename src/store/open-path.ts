import { resolve } from 'node:path';

export const DEFAULT_DB_PATH = '.mileage/mileage.duckdb';

/** `--db` wins, then MILEAGE_DB, then ./.mileage/mileage.duckdb. `:memory:` keeps nothing on disk. */
export function resolveDbPath(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  const chosen = explicit ?? env.MILEAGE_DB ?? DEFAULT_DB_PATH;
  return chosen === ':memory:' ? chosen : resolve(cwd, chosen);
}
