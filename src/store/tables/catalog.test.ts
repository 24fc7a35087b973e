import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clickhouseAvailable,
  startClickHouse,
  type TestClickHouse,
} from '../../../test/support/clickhouse.js';
import { ClickHouseSql } from '../clickhouse/clickhouse-sql.js';
import { USAGE_JSON_COLUMNS, OUTCOME_JSON_COLUMNS } from '../duckdb/records.js';
import type { Db } from '../db.js';
import { openStore } from '../open.js';
import { FACT_TABLES } from './catalog.js';
import { CLICKHOUSE_TYPES, DUCKDB_TYPES } from './columns.js';
import { clickhouseCreateTable, writtenColumnsDuckDb } from './ddl.js';

/**
 * DuckDB's usage table was rebuilt by migration 2 with CREATE TABLE … AS, which keeps no NOT NULL: its
 * required columns are required by every writer (records.ts), not by the table. Outcomes keep theirs.
 */
const KEEPS_NOT_NULL = new Set(['outcomes']);

/** DuckDB's names for the catalog's types as duckdb_columns() reports them. */
const DUCKDB_REPORTED: Record<string, string> = { TIMESTAMPTZ: 'TIMESTAMP WITH TIME ZONE' };

describe('table catalog against the DuckDB store its migrations build', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openStore(':memory:');
  });
  afterAll(async () => db.close());

  for (const table of FACT_TABLES) {
    it(`${table.name}: the same columns with the same types${KEEPS_NOT_NULL.has(table.name) ? ' and NOT NULLs' : ''}`, async () => {
      const rows = await db.query(
        `SELECT column_name AS name, data_type AS type, is_nullable AS nullable FROM duckdb_columns()
         WHERE table_name = $t AND schema_name = 'main' ORDER BY column_index`,
        { t: table.name },
      );
      const stored = Object.fromEntries(
        rows.map((r) => [String(r.name), `${String(r.type)}${r.nullable ? '' : ' NOT NULL'}`]),
      );
      const catalog = Object.fromEntries(
        table.columns.map((c) => {
          const type = DUCKDB_TYPES[c.type];
          return [
            c.name,
            `${DUCKDB_REPORTED[type] ?? type}${c.required && KEEPS_NOT_NULL.has(table.name) ? ' NOT NULL' : ''}`,
          ];
        }),
      );
      expect(stored).toEqual(catalog);
    });
  }

  it('the writers’ column lists are the catalog’s written columns', () => {
    const [usage, outcomes] = FACT_TABLES;
    expect(USAGE_JSON_COLUMNS).toEqual(writtenColumnsDuckDb(usage!));
    expect(OUTCOME_JSON_COLUMNS).toEqual(writtenColumnsDuckDb(outcomes!));
  });
});

describe.skipIf(!clickhouseAvailable())('table catalog on ClickHouse', () => {
  let server: TestClickHouse;
  let ch: ClickHouseSql;
  beforeAll(async () => {
    server = await startClickHouse();
    ch = ClickHouseSql.connect({
      url: server.url,
      username: 'default',
      password: '',
      database: 'default',
      display: server.url,
    });
  });
  afterAll(async () => {
    await ch.close();
    await server.stop();
  });

  for (const table of FACT_TABLES) {
    it(`${table.name}: generated DDL makes a month-partitioned, sorted, replacing table with the catalog's types`, async () => {
      await ch.command(clickhouseCreateTable(table, 'default'));
      const cols = await ch.query(
        'SELECT name, type FROM system.columns WHERE database = {db:String} AND table = {t:String} ORDER BY position',
        { db: 'default', t: table.name },
      );
      const expected = table.columns.map((c) => {
        const base = CLICKHOUSE_TYPES[c.type];
        return { name: c.name, type: c.required || c.type === 'text_list' ? base : `Nullable(${base})` };
      });
      expect(cols).toEqual([...expected, { name: '_version', type: 'UInt64' }]);
      const [meta] = await ch.query(
        'SELECT engine, partition_key, sorting_key FROM system.tables WHERE database = {db:String} AND name = {t:String}',
        { db: 'default', t: table.name },
      );
      expect(meta).toEqual({
        engine: 'ReplacingMergeTree',
        partition_key: 'toYYYYMM(day)',
        sorting_key: table.clickhouse.orderBy.join(', '),
      });
    });
  }
});
