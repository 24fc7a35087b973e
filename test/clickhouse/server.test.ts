import { createClient } from '@clickhouse/client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clickhouseAvailable, startClickHouse, type TestClickHouse } from '../support/clickhouse.js';

/**
 * The test ClickHouse itself: chdb's engine behind the launcher is a real server that the official client
 * talks to, keeps its data across a restart, and forms a two-shard cluster behind a Distributed table.
 */
describe.skipIf(!clickhouseAvailable())('ClickHouse test server (chdb engine + launcher)', () => {
  const started: TestClickHouse[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const s of started) await s.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('serves the official client over HTTP, binds query parameters and keeps decimals exact across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mileage-ch-restart-'));
    dirs.push(dir);
    const first = await startClickHouse({ dir });
    const client = createClient({ url: first.url });
    const [version] = await (
      await client.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' })
    ).json<{ v: string }>();
    expect(version?.v).toMatch(/^26\./);
    await client.command({
      query: `CREATE TABLE spend (stream String, day Date, cost Decimal(18,10))
              ENGINE = MergeTree PARTITION BY toYYYYMM(day) ORDER BY (stream, day)`,
    });
    // 0.1 + 0.2 is the classic float failure: a Decimal sum must be exactly 0.3.
    await client.insert({
      table: 'spend',
      values: [
        { stream: 'anthropic:org_a', day: '2026-03-01', cost: '0.1000000000' },
        { stream: 'anthropic:org_a', day: '2026-03-02', cost: '0.2000000000' },
        { stream: 'openai:org_b', day: '2026-04-01', cost: '5.0000000001' },
      ],
      format: 'JSONEachRow',
    });
    await client.close();
    await first.stop();

    const second = await startClickHouse({ dir });
    started.push(second);
    const again = createClient({ url: second.url });
    const rows = await (
      await again.query({
        query: 'SELECT toString(sum(cost)) AS total, count() AS n FROM spend WHERE stream = {stream:String}',
        query_params: { stream: 'anthropic:org_a' },
        format: 'JSONEachRow',
      })
    ).json<{ total: string; n: number }>();
    expect(rows).toEqual([{ total: '0.3', n: 2 }]);
    const parts = await (
      await again.query({
        query:
          "SELECT DISTINCT partition FROM system.parts WHERE table = 'spend' AND active ORDER BY partition",
        format: 'JSONEachRow',
      })
    ).json<{ partition: string }>();
    expect(parts.map((p) => p.partition)).toEqual(['202603', '202604']);
    await again.close();
  });

  it('two servers form a two-shard cluster: a Distributed table sums rows held on both', async () => {
    const a = await startClickHouse();
    started.push(a);
    const b = await startClickHouse();
    started.push(b);
    const shards = [
      { host: '127.0.0.1', tcpPort: a.tcpPort },
      { host: '127.0.0.1', tcpPort: b.tcpPort },
    ];
    const front = await startClickHouse({ shards });
    started.push(front);
    for (const [server, rows] of [
      [a, [{ k: 'x', v: '1.25' }]],
      [
        b,
        [
          { k: 'x', v: '2.50' },
          { k: 'y', v: '4.00' },
        ],
      ],
    ] as const) {
      const c = createClient({ url: server.url });
      await c.command({
        query: 'CREATE TABLE facts (k String, v Decimal(18,10)) ENGINE = MergeTree ORDER BY k',
      });
      await c.insert({ table: 'facts', values: [...rows], format: 'JSONEachRow' });
      await c.close();
    }
    const c = createClient({ url: front.url });
    await c.command({
      query:
        "CREATE TABLE facts_all (k String, v Decimal(18,10)) ENGINE = Distributed('mileage', 'default', 'facts')",
    });
    const rows = await (
      await c.query({
        query: 'SELECT k, toString(sum(v)) AS v, count() AS n FROM facts_all GROUP BY k ORDER BY k',
        format: 'JSONEachRow',
      })
    ).json();
    expect(rows).toEqual([
      { k: 'x', v: '3.75', n: 2 },
      { k: 'y', v: '4', n: 1 },
    ]);
    await c.close();
  });
});
