import { resolve } from 'node:path';
import type { Db } from './db.js';
import { DuckDbStore } from './duckdb/duckdb-store.js';

export const DEFAULT_DB_PATH = '.mileage/mileage.duckdb';

/** `--db` wins, then MILEAGE_DB, then ./.mileage/mileage.duckdb. `:memory:` keeps nothing on disk. */
export function resolveDbPath(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  const chosen = explicit ?? env.MILEAGE_DB ?? DEFAULT_DB_PATH;
  return chosen === ':memory:' ? chosen : resolve(cwd, chosen);
}

/** Opens the embedded store. (A ClickHouse `Db` joins here when the scale-out store lands.) */
export async function openStore(location: string): Promise<Db> {
  const store = await DuckDbStore.open(location);
  const [ledger] = await store.query(
    "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'ledger'",
  );
  if (Number(ledger?.n ?? 0) === 0) await store.refreshLedger();
  return store;
}
