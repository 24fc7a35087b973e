import { MileageError } from '../../domain/errors.js';
import type { Db, Row } from '../db.js';
import { sqlIdent } from '../sql-text.js';
import { FACT_TABLES } from '../tables/catalog.js';
import { DIRECTORY_TABLES } from '../tables/directory-tables.js';
import type { TableSpec } from '../tables/columns.js';
import { factTotals, compareTotals, type TotalsCheck } from './fact-totals.js';

/**
 * `mileage store migrate`: copies an embedded store's facts to ClickHouse, or back. The facts are the catalog's
 * tables (usage, outcomes), the directory's tables and the store's meta values; every column is copied as stored (costs, estimates,
 * org-local days, replay flags), so nothing is recomputed on the way. Derived tables (the ledger and its
 * rollups) are not copied: the target computes its own. Tables ClickHouse does not have yet are named, with
 * their row counts, in `notCopied`. Then the totals per stream and month are read on both sides and must match
 * to the last decimal.
 */
export interface CopyTarget {
  db: Db;
  /** Rows as read from the other store, in the catalog's column names, written as they are. */
  insertRows(table: TableSpec, rows: readonly Row[]): Promise<void>;
  /** A small table's rows replacing the target's (the directory is rewritten whole, never merged). */
  replaceRows(table: TableSpec, rows: readonly Row[]): Promise<void>;
}

export interface CopyProgress {
  table: string;
  copied: number;
  total: number;
}

export interface CopySummary {
  from: string;
  to: string;
  tables: { name: string; rows: number }[];
  meta: number;
  /** Tables of the source the target has no place for yet, left behind (named so nobody assumes otherwise). */
  notCopied: { name: string; rows: number; why: string }[];
  check: TotalsCheck;
  seconds: number;
}

/** Rows per read and write: large enough for ClickHouse's parts, small enough for memory. */
const PAGE = 20_000;

export async function copyFacts(
  from: Db,
  target: CopyTarget,
  onProgress: (p: CopyProgress) => void = () => undefined,
): Promise<CopySummary> {
  const started = performance.now();
  const to = target.db;
  if (to.dialect === 'duckdb') {
    const [row] = await to.query('SELECT count(*) AS n FROM usage');
    if (Number(row?.n ?? 0) > 0) {
      throw new MileageError(
        'conflict',
        `the target store ${to.location} already holds usage records`,
        'Copy into a new store file (its facts would otherwise be mixed with the copy).',
      );
    }
  }
  const tables: CopySummary['tables'] = [];
  for (const table of FACT_TABLES) {
    const total = await rowCount(from, table.name);
    let copied = 0;
    onProgress({ table: table.name, copied, total });
    for await (const page of pages(from, table)) {
      await target.insertRows(table, page);
      copied += page.length;
      onProgress({ table: table.name, copied, total });
    }
    tables.push({ name: table.name, rows: copied });
  }
  // The directory (people, teams, keys, workflows, seats, accounts) and the small tables the ledger joins
  // (seat lists, absences, the cwd map): read whole and written in place of the target's, before its ledger.
  for (const table of DIRECTORY_TABLES) {
    const rows = await from.query(
      `SELECT ${table.columns.map((c) => sqlIdent(c.name)).join(', ')} FROM ${sqlIdent(table.name)}`,
    );
    onProgress({ table: table.name, copied: 0, total: rows.length });
    await target.replaceRows(table, rows);
    onProgress({ table: table.name, copied: rows.length, total: rows.length });
    tables.push({ name: table.name, rows: rows.length });
  }
  const meta = await copyMeta(from, to);
  const notCopied = from.dialect === 'duckdb' ? await leftBehind(from) : [];
  // The target's own derived state: each engine computes its ledger from the copied facts and directory.
  await to.refreshLedger();
  const check = compareTotals(await factTotals(from), await factTotals(to));
  return {
    from: from.location,
    to: to.location,
    tables,
    meta,
    notCopied,
    check,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

const finalOf = (db: Db, table: string) =>
  db.dialect === 'clickhouse' ? `${sqlIdent(table)} FINAL` : sqlIdent(table);

async function rowCount(db: Db, table: string): Promise<number> {
  const [row] = await db.query(`SELECT count(*) AS n FROM ${finalOf(db, table)}`);
  return Number(row?.n ?? 0);
}

/**
 * The table's rows a page at a time, in a stable order: DuckDB by rowid (keyset), ClickHouse by its sort key
 * (id is unique within a day; FINAL keeps each key's newest row, as every read of the store does).
 */
async function* pages(db: Db, table: TableSpec): AsyncGenerator<Row[]> {
  const columns = table.columns.map((c) => sqlIdent(c.name)).join(', ');
  if (db.dialect === 'duckdb') {
    let last = -1;
    for (;;) {
      const rows = await db.query(
        `SELECT rowid AS _row, ${columns} FROM ${sqlIdent(table.name)} WHERE rowid > $last ORDER BY rowid LIMIT ${PAGE}`,
        { last },
      );
      if (rows.length === 0) return;
      last = Number(rows[rows.length - 1]?._row);
      yield rows.map(({ _row: _, ...r }) => r);
    }
  }
  const order = table.clickhouse.orderBy.map(sqlIdent).join(', ');
  for (let offset = 0; ; offset += PAGE) {
    const rows = await db.query(
      `SELECT ${columns} FROM ${finalOf(db, table.name)} ORDER BY ${order} LIMIT ${PAGE} OFFSET ${offset}`,
    );
    if (rows.length === 0) return;
    yield rows;
  }
}

/** The meta values (org, time zone, privacy, sync cursors…), except the source's own bookkeeping. */
async function copyMeta(from: Db, to: Db): Promise<number> {
  const rows = await from.query(`SELECT key, value FROM ${finalOf(from, 'meta')}`);
  let copied = 0;
  for (const row of rows) {
    const key = String(row.key);
    if (SOURCE_ONLY_META.test(key)) continue;
    await to.setMeta(key, String(row.value));
    copied += 1;
  }
  return copied;
}

/** Meta keys that describe the source store itself (its ledger's state, its schema), not the org's facts. */
const SOURCE_ONLY_META = /^(ledger_|schema_|directory_fingerprint$)/;

/** Tables of an embedded store with rows that ClickHouse has no place for yet, and the derived ones. */
async function leftBehind(from: Db): Promise<CopySummary['notCopied']> {
  const copied = new Set([...FACT_TABLES, ...DIRECTORY_TABLES].map((t) => t.name).concat('meta'));
  const rows = await from.query(
    `SELECT table_name AS name, estimated_size AS rows FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY name`,
  );
  return rows
    .filter((r) => !copied.has(String(r.name)) && Number(r.rows) > 0)
    .map((r) => {
      const name = String(r.name);
      return {
        name,
        rows: Number(r.rows),
        why: DERIVED.test(name)
          ? 'derived: the target computes it from the facts'
          : 'not on ClickHouse yet (docs/clickhouse.md)',
      };
    });
}

const DERIVED = /^(ledger|pr_sessions|session_|seat_days|usage_days|agent_requests_stage|usage_stage)/;
