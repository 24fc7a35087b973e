import { Decimal } from 'decimal.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clickhouseAvailable,
  startClickHouse,
  type TestClickHouse,
} from '../../../test/support/clickhouse.js';
import type { UsageRecord } from '../../domain/usage.js';
import {
  parseAnthropicCostReport,
  parseAnthropicUsageReport,
} from '../../sources/spend/anthropic-admin/parse.js';
import type { Db } from '../db.js';
import { openStore } from '../open.js';
import { dialectFor, type SqlDialect } from '../sql/dialect.js';
import { ClickHouseStore } from './clickhouse-store.js';
import { parseClickHouseLocation } from './location.js';

/**
 * The ClickHouse store's appending role on a real server, with records parsed from the Anthropic Admin API's
 * documented report shapes (test/fixtures/anthropic-admin): the same totals per stream, day and source as the
 * embedded store and as the records themselves, and re-ingesting (before and after ClickHouse merges its
 * parts, and across a restart) changes no total.
 */
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join('test/fixtures/anthropic-admin', name), 'utf8')) as unknown;

function records(): UsageRecord[] {
  const ctx = { file: 'page.json', org: 'acme' };
  const all = [
    parseAnthropicCostReport(fixture('cost-report.json'), ctx),
    parseAnthropicCostReport(fixture('cost-report-by-workspace.json'), ctx),
    parseAnthropicUsageReport(fixture('usage-report-1d-grouped.json'), ctx),
    parseAnthropicUsageReport(fixture('usage-report-1h-ungrouped.json'), ctx),
  ];
  for (const r of all) expect(r.problems).toEqual([]);
  return all.flatMap((r) => r.records);
}

/**
 * Per stream, day and source: records, exact cost, tokens — the cells the ledger is computed from. Written once
 * through the dialect; ClickHouse reads its replacing table through FINAL (the store's rule for every read).
 */
function cellsSql(d: SqlDialect): string {
  const usage = d.name === 'clickhouse' ? 'usage FINAL' : 'usage';
  return `SELECT coalesce(stream, '-') || ' ' || ${d.text('day')} || ' ' || source AS cell, count(*) AS n,
    ${d.text('coalesce(sum(cost), 0)')} AS cost, sum(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens) AS tokens
    FROM ${usage} WHERE counted GROUP BY cell ORDER BY cell`;
}
const CELLS = cellsSql(dialectFor('clickhouse'));
const DUCK_CELLS = cellsSql(dialectFor('duckdb'));

type Cells = Map<string, { n: number; cost: string; tokens: number }>;
const cells = (rows: Record<string, unknown>[]): Cells =>
  new Map(
    rows.map((r) => [
      String(r.cell),
      { n: Number(r.n), cost: new Decimal(String(r.cost)).toString(), tokens: Number(r.tokens) },
    ]),
  );

describe.skipIf(!clickhouseAvailable())('ClickHouse store: idempotent appends', () => {
  let server: TestClickHouse;
  let dir: string;
  let duck: Db;
  let store: ClickHouseStore;
  const input = records();
  const location = () =>
    parseClickHouseLocation(`clickhouse://default@127.0.0.1:${server.httpPort}/mileage`, {});

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mileage-ch-store-'));
    server = await startClickHouse({ dir });
    store = await ClickHouseStore.open(location());
    duck = await openStore(':memory:');
  });
  afterAll(async () => {
    await store.close();
    await duck.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores what the embedded store stores: the same cells, to the last decimal', async () => {
    expect(input.length).toBeGreaterThan(5);
    const first = await store.appendUsage(input);
    expect(first).toEqual({ written: input.length, alreadyStored: 0 });
    await duck.appendUsage(input);
    const ch = cells(await store.query(CELLS));
    expect(ch).toEqual(cells(await duck.query(DUCK_CELLS)));
    // And the records' own cost, summed here: nothing lost, nothing added.
    const truth = input.reduce(
      (a, r) => (r.cost.amount === null ? a : a.plus(r.cost.amount.toString())),
      new Decimal(0),
    );
    const stored = [...ch.values()].reduce((a, c) => a.plus(c.cost), new Decimal(0));
    expect(stored.toString()).toBe(truth.toString());
  });

  it('re-ingesting changes no total, before and after ClickHouse merges the copies away', async () => {
    const before = cells(await store.query(CELLS));
    const again = await store.appendUsage(input);
    expect(again).toEqual({ written: input.length, alreadyStored: input.length });
    // The raw rows, past the session's `final = 1` (every other read is deduplicated).
    const [raw] = await store.query('SELECT count() AS n FROM usage SETTINGS final = 0');
    expect(Number(raw?.n)).toBe(2 * input.length); // two copies stored until a merge…
    expect(cells(await store.query(CELLS))).toEqual(before); // …and read once
    await store.query('OPTIMIZE TABLE usage FINAL');
    const [merged] = await store.query('SELECT count() AS n FROM usage SETTINGS final = 0');
    expect(Number(merged?.n)).toBe(input.length);
    expect(cells(await store.query(CELLS))).toEqual(before);
    expect((await store.counts()).usage).toBe(input.length);
  });

  it('keeps every record across a server restart', async () => {
    const before = cells(await store.query(CELLS));
    await store.close();
    await server.stop();
    server = await startClickHouse({ dir });
    store = await ClickHouseStore.open(location());
    expect(cells(await store.query(CELLS))).toEqual(before);
  });

  it('refuses a record out of bounds by id and keeps the rest of its batch', async () => {
    const [good, bad] = input;
    const broken = { ...bad!, id: 'broken', tokens: { ...bad!.tokens, input: -5 } };
    const result = await store.appendUsage([good!, broken]);
    expect(result.written).toBe(1);
    expect(result.refused?.map((r) => r.id)).toEqual(['broken']);
  });

  it('counts already-stored ids of a batch too large for one query parameter (3,000 ids)', async () => {
    const [base] = input;
    const many = Array.from({ length: 3000 }, (_, i) => ({
      ...base!,
      id: `${base!.id}:copy:${String(i).padStart(40, '0')}`,
    }));
    expect(await store.appendUsage(many)).toEqual({ written: 3000, alreadyStored: 0 });
    expect(await store.appendUsage(many)).toEqual({ written: 3000, alreadyStored: 3000 });
  });

  it('writes without a lookup on the async path (serve), and a re-sent batch still changes no total', async () => {
    const before = (await store.counts()).usage;
    const hot = await ClickHouseStore.open(location(), { inserts: 'async' });
    try {
      const fresh = input.map((r) => ({ ...r, id: `${r.id}:hot` }));
      // Not counted: the async path never asks which ids are stored, and says so.
      expect(await hot.appendUsage(fresh)).toEqual({
        written: fresh.length,
        alreadyStored: 0,
        alreadyStoredKnown: false,
      });
      const once = cells(await hot.query(CELLS));
      await hot.appendUsage(fresh);
      await hot.appendUsage(fresh.slice(0, 2));
      expect(cells(await hot.query(CELLS))).toEqual(once);
      expect((await hot.counts()).usage).toBe(before + fresh.length);
    } finally {
      await hot.close();
    }
  });
});
