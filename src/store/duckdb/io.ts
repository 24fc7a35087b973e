import type { Row, SqlParam } from '../db.js';

/**
 * What the DuckDB store's role modules (file loads, the directory, pricing, the ledger build, seats, absences)
 * need from the store: statements on the writer's connection, temporary files for DuckDB's own readers, and
 * the org-local day. One connection writes, so these run in the order they are called.
 */
export interface DuckIo {
  /** A statement without parameters. */
  run(sql: string): Promise<void>;
  /** A statement with bound values. */
  exec(sql: string, params: Record<string, SqlParam>): Promise<void>;
  /** A query on the writer's connection (it sees the store's temp tables). */
  query<T extends Row = Row>(sql: string, params?: Record<string, SqlParam>): Promise<T[]>;
  /** `work` in one transaction, rolled back when it throws. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  withTempFile<T>(name: string, text: string, use: (path: string) => Promise<T>): Promise<T>;
  /** The org-local calendar day of a UTC instant column (SQL). */
  localDay(column: string): string;
  /** A usage record's org-local day (SQL): the day of the middle of its span. */
  usageDay(): string;
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;
}

/** Rows as a newline-delimited JSON temp file, for DuckDB's `read_json`. */
export function withTempJson<T>(io: DuckIo, rows: unknown[], use: (path: string) => Promise<T>): Promise<T> {
  return io.withTempFile('batch.jsonl', rows.map((r) => JSON.stringify(r)).join('\n') + '\n', use);
}

/** usage has no primary key (see migration 2): a writer replaces the ids it writes, atomically. */
export function replaceUsage(io: DuckIo, staged: string): Promise<void> {
  return io.transaction(async () => {
    await io.run(`DELETE FROM usage WHERE id IN (SELECT id FROM ${staged})`);
    await io.run(`INSERT INTO usage BY NAME SELECT * FROM ${staged}`);
  });
}
