import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAnthropicCostReport } from '../../src/sources/spend/anthropic-admin/parse.js';
import { ClickHouseDb } from '../../src/store/clickhouse/clickhouse-db.js';
import { parseClickHouseLocation } from '../../src/store/clickhouse/location.js';
import { clickhouseAvailable, startClickHouse, type TestClickHouse } from '../support/clickhouse.js';

/**
 * The ClickHouse configuration Mileage ships (deploy/clickhouse/), as the test server runs it: ClickHouse's own
 * log tables are created with the TTL (so they cannot grow without bound); and the append paths' inserts are
 * async inserts carrying Mileage's settings, whatever the server's profile says.
 */
describe.skipIf(!clickhouseAvailable())('shipped ClickHouse configuration', () => {
  let server: TestClickHouse;
  const sql = async (query: string) => {
    const res = await fetch(`${server.url}/`, { method: 'POST', body: query });
    const text = await res.text();
    if (!res.ok) throw new Error(text);
    return text.trim();
  };
  beforeAll(async () => {
    server = await startClickHouse();
  });
  afterAll(async () => server?.stop());

  it('gives ClickHouse’s own logs a TTL', async () => {
    await sql('SELECT 1 FORMAT Null');
    await sql('SYSTEM FLUSH LOGS');
    const logs = (
      await sql(
        `SELECT name, create_table_query FROM system.tables WHERE database = 'system'
         AND name IN ('query_log', 'part_log', 'metric_log', 'text_log') ORDER BY name FORMAT JSONEachRow`,
      )
    )
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string; create_table_query: string });
    expect(logs.map((l) => l.name)).toEqual(['metric_log', 'part_log', 'query_log', 'text_log']);
    for (const l of logs)
      expect(l.create_table_query, l.name).toMatch(/TTL event_date \+ toIntervalDay\(3\)/);
  });

  it('sends serve’s appends as async inserts with Mileage’s settings, answered once written', async () => {
    const db = await ClickHouseDb.open(
      parseClickHouseLocation(`clickhouse://default@127.0.0.1:${server.httpPort}/asyncs`, {}),
      { inserts: 'async' },
    );
    try {
      const page = JSON.parse(
        readFileSync('test/fixtures/anthropic-admin/cost-report.json', 'utf8'),
      ) as unknown;
      const { records } = parseAnthropicCostReport(page, { file: 'cost-report.json', org: 'acme' });
      expect((await db.appendUsage(records)).written).toBe(records.length);
      // Answered only once written: readable at once, with no flush asked for.
      expect((await db.counts()).usage).toBe(records.length);
    } finally {
      await db.close();
    }
    await sql('SYSTEM FLUSH LOGS');
    const settings = await sql(
      `SELECT Settings['async_insert_busy_timeout_max_ms'], Settings['async_insert_max_data_size']
       FROM system.query_log WHERE type = 'QueryFinish' AND query_kind = 'Insert' AND current_database = 'asyncs'
       AND query LIKE 'INSERT INTO usage%' LIMIT 1 FORMAT TSV`,
    );
    expect(settings.split('\t')).toEqual(['1000', '67108864']);
  });
});
