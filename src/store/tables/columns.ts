/**
 * Column types of the table catalog, named once for both engines. `money` is the exact decimal every amount is
 * stored as (DECIMAL(18,10): exact, and fine enough for the cheapest per-token prices).
 */
export type ColumnType = 'text' | 'int' | 'double' | 'money' | 'bool' | 'date' | 'timestamp' | 'text_list';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** NOT NULL in the store. */
  required?: boolean;
  /** Derived by the store when a row is written (never in a writer's row): the org-local day, `counted`… */
  derived?: boolean;
}

/** A table of the catalog: its columns, and how ClickHouse lays it out (DuckDB needs no layout). */
export interface TableSpec {
  name: string;
  columns: readonly ColumnSpec[];
  clickhouse: {
    /**
     * `replacing`: a ReplacingMergeTree keyed by the sort key, the row with the greatest `version` winning
     * (an idempotent re-ingest of a deterministic id replaces instead of adding); `plain`: a MergeTree.
     */
    engine: 'replacing' | 'plain';
    /** Partition expression (months of `day`), or null for a small table. */
    partitionBy: string | null;
    /** ORDER BY columns: the sort (and, for `replacing`, the deduplication) key. */
    orderBy: readonly string[];
  };
}

export const DUCKDB_TYPES: Record<ColumnType, string> = {
  text: 'VARCHAR',
  int: 'BIGINT',
  double: 'DOUBLE',
  money: 'DECIMAL(18,10)',
  bool: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMPTZ',
  text_list: 'VARCHAR[]',
};

export const CLICKHOUSE_TYPES: Record<ColumnType, string> = {
  text: 'String',
  int: 'Int64',
  double: 'Float64',
  money: 'Decimal(18, 10)',
  bool: 'Bool',
  date: 'Date',
  // Milliseconds, UTC: what every source's timestamps carry.
  timestamp: "DateTime64(3, 'UTC')",
  text_list: 'Array(String)',
};
