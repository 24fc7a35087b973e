import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseDb } from '../../src/store/clickhouse/clickhouse-db.js';
import { parseClickHouseLocation } from '../../src/store/clickhouse/location.js';
import { clickhouseAvailable, startClickHouse, type TestClickHouse } from '../support/clickhouse.js';
import { otlpBatches, postBatch, startServe, storedTotals, truthOf } from '../support/clickhouse-serve.js';

/**
 * docs/clickhouse.md, "Running Mileage on a cluster", as written: the catalog's tables local on two shards,
 * `Distributed` tables sharded by sipHash64(id) on the front node, and `mileage serve --store` pointed at the
 * front. Records spread over both shards; a batch sent twice is counted once (both copies land on one shard,
 * where FINAL applies); the totals equal the batches' own (decimal.js).
 */
describe.skipIf(!clickhouseAvailable())('serve over a two-shard ClickHouse cluster', () => {
  const servers: TestClickHouse[] = [];
  const sql = async (server: TestClickHouse, query: string) => {
    const res = await fetch(`${server.url}/`, { method: 'POST', body: query });
    const text = await res.text();
    if (!res.ok) throw new Error(text);
    return text.trim();
  };
  beforeAll(async () => {
    servers.push(await startClickHouse(), await startClickHouse());
    const shards = servers.map((s) => ({ host: '127.0.0.1', tcpPort: s.tcpPort }));
    servers.push(await startClickHouse({ shards }));
  });
  afterAll(async () => {
    for (const s of servers) await s.stop();
  });

  it('spreads records over the shards and counts a re-sent batch once', async () => {
    const [a, b, front] = servers as [TestClickHouse, TestClickHouse, TestClickHouse];
    // The local tables, made by Mileage's own DDL (opening the store creates them), on every node.
    for (const s of servers) {
      const db = await ClickHouseDb.open(
        parseClickHouseLocation(`clickhouse://default@127.0.0.1:${s.httpPort}/mileage_local`, {}),
      );
      await db.close();
    }
    await sql(front, 'CREATE DATABASE mileage');
    for (const t of ['usage', 'outcomes'])
      await sql(
        front,
        `CREATE TABLE mileage.${t} AS mileage_local.${t} ENGINE = Distributed(mileage, mileage_local, ${t}, sipHash64(id))`,
      );
    const batches = otlpBatches(6, 200, 'cluster');
    const serve = await startServe(`clickhouse://default@127.0.0.1:${front.httpPort}/mileage`, front.dir);
    for (const batch of batches) expect(await postBatch(serve.url, batch)).toBe(true);
    expect(await postBatch(serve.url, batches[0]!)).toBe(true);
    expect(await serve.stop(), serve.stderr()).toBe(0);
    // A Distributed table forwards inserts in the background unless distributed_foreground_insert is set.
    await sql(front, 'SYSTEM FLUSH DISTRIBUTED mileage.usage');
    expect(await storedTotals(front.url, 'mileage')).toEqual(truthOf(batches));
    const onA = Number(await sql(a, 'SELECT count() FROM mileage_local.usage FINAL'));
    const onB = Number(await sql(b, 'SELECT count() FROM mileage_local.usage FINAL'));
    expect(onA + onB).toBe(1200);
    expect(Math.min(onA, onB)).toBeGreaterThan(400);
  });
});
