import type { ClickHouseSql } from '../../src/store/clickhouse/clickhouse-sql.js';
import type { Db } from '../../src/store/db.js';
import { sqlIdent } from '../../src/store/sql-text.js';
import { DIRECTORY_TABLES } from '../../src/store/tables/directory-tables.js';
import { FACT_TABLES } from '../../src/store/tables/catalog.js';

/** Rows per insert of the copy. */
const BATCH = 20_000;

/**
 * Copies the stored facts of a DuckDB store (records, outcomes with their derived verdicts, the directory,
 * seat lists, cwd map, meta) into a ClickHouse database whose tables exist, row for row: the contract suite's
 * way to give both engines the same facts, after which each computes its own ledger and metrics.
 */
export async function copyFactsToClickHouse(from: Db, to: ClickHouseSql): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of [...FACT_TABLES, ...DIRECTORY_TABLES]) {
    const names = table.columns.map((c) => c.name);
    const rows = await from.query(`SELECT ${names.map(sqlIdent).join(', ')} FROM ${sqlIdent(table.name)}`);
    const replacing = table.clickhouse.engine === 'replacing';
    await to.command(`TRUNCATE TABLE IF EXISTS ${sqlIdent(table.name)}`);
    for (let i = 0; i < rows.length; i += BATCH) {
      await to.insert(
        table.name,
        rows.slice(i, i + BATCH).map((r) => (replacing ? { ...r, _version: 1 } : r)),
      );
    }
    counts[table.name] = rows.length;
  }
  const meta = await from.query('SELECT key, value FROM meta');
  await to.insert(
    'meta',
    meta.map((r) => ({ key: String(r.key), value: String(r.value), _version: 1 })),
  );
  return counts;
}
