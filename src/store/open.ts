import { MileageError } from '../domain/errors.js';
import { isClickHouseLocation, parseClickHouseLocation } from './clickhouse/location.js';
import type { InsertMode } from './clickhouse/clickhouse-sql.js';
import type { Db } from './db.js';

export { DEFAULT_DB_PATH, isSharedStore, resolveDbPath } from './open-path.js';

export interface OpenOptions {
  /** Connections that serve reads side by side (the server's concurrent requests); default 3. */
  readConnections?: number;
  /** Cap the embedded database's memory for a one-shot job (see DuckDbStore's StoreOptions). */
  boundedMemory?: boolean;
  /** Leave a stale ledger for the next opener to recompute (see Db.deferLedgerRefresh). */
  deferLedger?: boolean;
  /** Transcript bytes per statement of the bulk reader (tests cut it small to read in several parts). */
  scanPartBytes?: number;
  /**
   * ClickHouse only: how appends are inserted. `async` for the append paths many processes share (serve's
   * receiver and ingest API, the gateway), `sync` (default) for bulk loads.
   */
  inserts?: InsertMode;
}

/**
 * Opens the store at `location`: a DuckDB file (or `:memory:`), or a ClickHouse server when the location is
 * `clickhouse://user@host:8123/db` (password from MILEAGE_CLICKHOUSE_PASSWORD).
 */
export async function openStore(location: string, options: OpenOptions = {}): Promise<Db> {
  if (isClickHouseLocation(location)) {
    const { ClickHouseDb } = await import('./clickhouse/clickhouse-db.js');
    return ClickHouseDb.open(parseLocation(location), { inserts: options.inserts ?? 'sync' });
  }
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

function parseLocation(location: string) {
  try {
    return parseClickHouseLocation(location, process.env);
  } catch (cause) {
    throw new MileageError(
      'usage',
      (cause as Error).message,
      'A ClickHouse store is clickhouse://user@host:8123/database.',
      {
        cause,
      },
    );
  }
}
