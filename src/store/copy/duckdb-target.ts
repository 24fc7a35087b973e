import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db, Row } from '../db.js';
import { sqlIdent, sqlString } from '../sql-text.js';
import { DUCKDB_TYPES, type TableSpec } from '../tables/columns.js';
import type { CopyTarget } from './copy-facts.js';

/**
 * The embedded store as a copy's target: rows go through a temporary JSON-lines file and DuckDB's own reader
 * (the fastest way in), typed by the catalog, every column as it was stored.
 */
export function duckdbTarget(db: Db): CopyTarget & { dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'mileage-copy-'));
  let n = 0;
  const insertRows = async (table: TableSpec, rows: readonly Row[]): Promise<void> => {
    if (rows.length === 0) return;
    const file = join(dir, `${table.name}-${n++}.jsonl`);
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const columns = table.columns
      .map((c) => `${sqlString(c.name)}: ${sqlString(DUCKDB_TYPES[c.type])}`)
      .join(', ');
    try {
      await db.query(
        `INSERT INTO ${sqlIdent(table.name)} BY NAME SELECT * FROM read_json(${sqlString(file)},
           format = 'newline_delimited', columns = {${columns}})`,
      );
    } finally {
      rmSync(file, { force: true });
    }
  };
  const replaceRows = async (table: TableSpec, rows: readonly Row[]): Promise<void> => {
    await db.query(`DELETE FROM ${sqlIdent(table.name)}`);
    await insertRows(table, rows);
  };
  return {
    db,
    insertRows,
    replaceRows,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
