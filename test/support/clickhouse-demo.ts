import { expect } from 'vitest';
import { ClickHouseDb } from '../../src/store/clickhouse/clickhouse-db.js';
import type { ClickHouseLocation } from '../../src/store/clickhouse/location.js';
import { copyFacts } from '../../src/store/copy/copy-facts.js';
import type { Db } from '../../src/store/db.js';
import type { TestClickHouse } from './clickhouse.js';

/** The `mileage` database of a test server, as `--store clickhouse://…` would name it. */
export function testLocation(server: TestClickHouse): ClickHouseLocation {
  return { url: server.url, username: 'default', password: '', database: 'mileage', display: server.url };
}

/**
 * An embedded store copied onto a test server by `store migrate`'s own copy (facts, directory, seats), which
 * must pass its per-stream and per-month totals check; the ClickHouse store then builds its ledger.
 */
export async function copiedToClickHouse(from: Db, server: TestClickHouse): Promise<ClickHouseDb> {
  const db = await ClickHouseDb.open(testLocation(server));
  const copy = await copyFacts(from, {
    db,
    insertRows: (t, rows) => db.insertRows(t, rows),
    replaceRows: (t, rows) => db.replaceRows(t, rows),
  });
  expect(copy.check.ok, JSON.stringify(copy.check)).toBe(true);
  expect(copy.tables.find((t) => t.name === 'dir_people')?.rows).toBeGreaterThan(0);
  return db;
}
