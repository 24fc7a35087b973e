import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseAvailable, startClickHouse, type TestClickHouse } from '../support/clickhouse.js';
import {
  otlpBatches,
  postBatch,
  startServe,
  storedTotals,
  truthOf,
  type ServeProcess,
} from '../support/clickhouse-serve.js';

/**
 * Issue 23: kill -9 of a `serve` writing to ClickHouse, repeated, loses nothing and counts nothing twice. Two
 * `serve` processes share one ClickHouse database; each is killed with SIGKILL while a batch is in flight (and
 * once right after an acknowledgement), restarted, and the exporter sends again what was not acknowledged, as
 * OTLP exporters do. The totals then equal an uninterrupted run's and the batches' own sums (decimal.js).
 * More kills, and the ingest rate: `npm run bench -- clickhouse-kill`.
 */
describe.skipIf(!clickhouseAvailable())('serve over ClickHouse, killed with -9 and restarted', () => {
  let server: TestClickHouse;
  let cwd: string;
  const batches = otlpBatches(9, 40, 'kill');
  const truth = truthOf(batches);
  const store = (db: string) => `clickhouse://default@127.0.0.1:${server.httpPort}/${db}`;

  beforeAll(async () => {
    server = await startClickHouse();
    cwd = mkdtempSync(join(tmpdir(), 'mileage-ch-kill-'));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  /** Sends until acknowledged, restarting a server that was killed. */
  async function deliver(
    servers: ServeProcess[],
    which: number,
    batch: (typeof batches)[number],
    db: string,
  ) {
    for (let attempt = 0; attempt < 20; attempt++) {
      if (await postBatch(servers[which]!.url, batch)) return;
      if (servers[which]!.child.exitCode !== null || servers[which]!.child.signalCode !== null)
        servers[which] = await startServe(store(db), cwd);
    }
    throw new Error(`batch never acknowledged: ${servers[which]!.stderr()}`);
  }

  it('ends with the totals of an uninterrupted run, with two servers killed four times', async () => {
    const steady = await startServe(store('steady'), cwd);
    for (const batch of batches) expect(await postBatch(steady.url, batch)).toBe(true);
    expect(await steady.stop(), steady.stderr()).toBe(0);
    const uninterrupted = await storedTotals(server.url, 'steady');
    expect(uninterrupted).toEqual(truth);

    const servers = [await startServe(store('killed'), cwd), await startServe(store('killed'), cwd)];
    let kills = 0;
    for (const [i, batch] of batches.entries()) {
      const which = i % 2;
      if (i % 3 === 2) {
        // Killed with the batch in flight: acknowledged or not, the exporter sends it again.
        const inFlight = postBatch(servers[which]!.url, batch);
        await new Promise((r) => setTimeout(r, 5 * i));
        await servers[which]!.kill9();
        kills += 1;
        await inFlight;
        servers[which] = await startServe(store('killed'), cwd);
      }
      await deliver(servers, which, batch, 'killed');
      if (i === 4) {
        // Killed right after an acknowledgement: what was acknowledged is already in ClickHouse.
        await servers[which]!.kill9();
        kills += 1;
        servers[which] = await startServe(store('killed'), cwd);
      }
    }
    // The first batch again, through the other server: a re-sent batch changes no total.
    await deliver(servers, 1, batches[0]!, 'killed');
    for (const s of servers) expect(await s.stop(), s.stderr()).toBe(0);
    expect(kills).toBe(4);
    expect(await storedTotals(server.url, 'killed')).toEqual(uninterrupted);
  }, 240_000);
});
