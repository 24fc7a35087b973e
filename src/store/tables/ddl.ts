import { sqlIdent } from '../sql-text.js';
import { CLICKHOUSE_TYPES, DUCKDB_TYPES, type ColumnSpec, type TableSpec } from './columns.js';

/** The columns a writer supplies (not derived by the store), with their DuckDB types: a file reader's `columns`. */
export function writtenColumnsDuckDb(table: TableSpec): Record<string, string> {
  return Object.fromEntries(
    table.columns.filter((c) => !c.derived).map((c) => [c.name, DUCKDB_TYPES[c.type]]),
  );
}

function clickhouseColumn(c: ColumnSpec): string {
  const base = CLICKHOUSE_TYPES[c.type];
  // An Array cannot be Nullable in ClickHouse (an empty list stands for none). A nullable sort-key column (a
  // record that names no stream) needs allow_nullable_key, set on the table.
  const type = c.required || c.type === 'text_list' ? base : `Nullable(${base})`;
  return `${sqlIdent(c.name)} ${type}`;
}

/**
 * ClickHouse DDL for a catalog table: MergeTree partitioned by month and sorted by the table's key; a
 * replacing table keeps, per key, the row with the greatest `_version` (the write time in microseconds).
 */
export function clickhouseCreateTable(table: TableSpec, database: string): string {
  const columns = table.columns.map(clickhouseColumn);
  const replacing = table.clickhouse.engine === 'replacing';
  if (replacing) columns.push(`${sqlIdent('_version')} UInt64`);
  const engine = replacing ? `ReplacingMergeTree(${sqlIdent('_version')})` : 'MergeTree';
  const partition = table.clickhouse.partitionBy ? `PARTITION BY ${table.clickhouse.partitionBy}` : '';
  return `CREATE TABLE IF NOT EXISTS ${sqlIdent(database)}.${sqlIdent(table.name)} (
  ${columns.join(',\n  ')}
) ENGINE = ${engine} ${partition} ORDER BY (${table.clickhouse.orderBy.map(sqlIdent).join(', ')})
SETTINGS allow_nullable_key = 1`;
}
