import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../open.js';
import { MIGRATIONS } from './schema.js';

/** Every table and view with its columns and types, indexes and constraints: what a schema is made of. */
const SHAPE_SQL = `
SELECT 'column' AS kind, table_name AS name, column_name || ' ' || data_type || ' ' || is_nullable::VARCHAR AS detail
FROM duckdb_columns() WHERE schema_name = 'main' AND NOT internal AND table_name <> 'schema_migrations'
UNION ALL
SELECT 'index', table_name, coalesce(sql, index_name) FROM duckdb_indexes() WHERE schema_name = 'main'
UNION ALL
SELECT 'constraint', table_name, constraint_type || ' ' || coalesce(constraint_text, '')
FROM duckdb_constraints() WHERE schema_name = 'main' AND table_name <> 'schema_migrations'
ORDER BY 1, 2, 3`;

/**
 * A new store is created with every migration in one script and one commit; a store from an older release is
 * upgraded one migration at a time. Both must end with the same schema.
 */
describe('a new store and an upgraded one', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mileage-schema-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('end with the same tables, columns, indexes and constraints, and the same migrations recorded', async () => {
    const fresh = await openStore(join(dir, 'new.duckdb'), { deferLedger: true });
    // The first release's schema, written as that release did; the store's open applies the rest one by one.
    const oldPath = join(dir, 'old.duckdb');
    const instance = await DuckDBInstance.create(oldPath);
    const conn = await instance.connect();
    await conn.run(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)',
    );
    const first = MIGRATIONS[0];
    if (!first) throw new Error('no migration');
    await conn.run(first.sql);
    await conn.run(`INSERT INTO schema_migrations VALUES (${first.version}, 'old', now())`);
    conn.closeSync();
    instance.closeSync();
    const upgraded = await openStore(oldPath, { deferLedger: true });
    try {
      expect(upgraded.migrationsApplied).toEqual(MIGRATIONS.slice(1).map((m) => m.version));
      expect(fresh.migrationsApplied).toEqual([]);
      const versions = 'SELECT version FROM schema_migrations ORDER BY version';
      expect(await fresh.query(versions)).toEqual(await upgraded.query(versions));
      const shape = await fresh.query(SHAPE_SQL);
      expect(shape.length).toBeGreaterThan(50);
      expect(shape).toEqual(await upgraded.query(SHAPE_SQL));
    } finally {
      await fresh.close();
      await upgraded.close();
    }
  });
});
