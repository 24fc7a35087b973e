import type { Db } from './db.js';

export { DEFAULT_DB_PATH, resolveDbPath } from './open-path.js';

export interface OpenOptions {
  /** Connections that serve reads side by side (the server's concurrent requests); default 3. */
  readConnections?: number;
  /** Cap the embedded database's memory for a one-shot job (see DuckDbStore's StoreOptions). */
  boundedMemory?: boolean;
  /** Leave a stale ledger for the next opener to recompute (see Db.deferLedgerRefresh). */
  deferLedger?: boolean;
  /** Transcript bytes per statement of the bulk reader (tests cut it small to read in several parts). */
  scanPartBytes?: number;
}

/** Opens the embedded store. (A ClickHouse `Db` joins here when the scale-out store lands.) */
export async function openStore(location: string, options: OpenOptions = {}): Promise<Db> {
  // Loaded on first use: the native driver takes a third of a second to load, which a command that finds
  // nothing to do (a re-run of `ingest`, `--version`) should not pay.
  const { DuckDbStore } = await import('./duckdb/duckdb-store.js');
  const store = await DuckDbStore.open(location, options);
  // A new store gets its (empty) ledger at once, so readers find its tables; a one-shot ingest that leaves
  // the ledger for the next opener to compute skips it (0.3 s of a first ingest), and that opener builds it.
  if (options.deferLedger) return store;
  const [ledger] = await store.query(
    "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'ledger'",
  );
  if (Number(ledger?.n ?? 0) === 0) await store.refreshLedger();
  return store;
}
