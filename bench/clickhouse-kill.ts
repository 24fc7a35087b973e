import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { clickhouseAvailable, startClickHouse } from '../test/support/clickhouse.js';
import {
  otlpBatches,
  postBatch,
  startServe,
  storedTotals,
  truthOf,
  type ServeProcess,
} from '../test/support/clickhouse-serve.js';

/**
 * Issue 23: the ingest rate into ClickHouse through `mileage serve` (OTLP/HTTP JSON, Claude Code api_request
 * events, each its own request id), with one and with two servers over the same database; then kill -9 of the
 * serving process, repeated, under that load: every batch is sent until acknowledged (as OTLP exporters
 * retry), and the stored totals must equal the batches' own (decimal.js), nothing lost, nothing twice.
 *
 * Uses the built CLI (dist/) and the test ClickHouse (chdb's engine). CH_KILLS (default 10), CH_RATE_SECONDS
 * (default 15), CH_CLIENTS (default 8), CH_BATCH (records per request, default 500).
 */
const KILLS = Number(process.env.CH_KILLS ?? 10);
const SECONDS = Number(process.env.CH_RATE_SECONDS ?? 15);
const CLIENTS = Number(process.env.CH_CLIENTS ?? 8);
const BATCH = Number(process.env.CH_BATCH ?? 500);

export async function benchClickHouseKill(): Promise<void> {
  if (!clickhouseAvailable()) return;
  const server = await startClickHouse();
  const cwd = mkdtempSync(join(tmpdir(), 'mileage-bench-ch-'));
  const store = (db: string) => `clickhouse://default@127.0.0.1:${server.httpPort}/${db}`;
  try {
    for (const servers of [1, 2]) {
      const db = `rate${servers}`;
      const procs = await Promise.all(Array.from({ length: servers }, () => startServe(store(db), cwd)));
      const load = loadavg()[0]!.toFixed(1);
      const deadline = Date.now() + SECONDS * 1000;
      let acked = 0;
      let failed = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, c) => {
          for (let n = 0; Date.now() < deadline; n++) {
            const [batch] = otlpBatches(1, BATCH, `${db}_${c}_${n}`);
            if (await postBatch(procs[c % servers]!.url, batch!)) acked += batch!.length;
            else failed += 1;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      for (const p of procs) await p.stop();
      const stored = await storedTotals(server.url, db);
      console.log(
        `ingest through ${servers} serve process(es), ${CLIENTS} clients × ${BATCH} records per request: ` +
          `${Math.round(acked / seconds).toLocaleString('en-US')} records/s acknowledged ` +
          `(${acked.toLocaleString('en-US')} in ${seconds.toFixed(1)} s, ${failed} requests refused; ` +
          `${stored.records.toLocaleString('en-US')} stored); load average ${load} → ${loadavg()[0]!.toFixed(1)}`,
      );
    }

    // kill -9 under load, CH_KILLS times (fewer when the batches run out first): the batches are fixed in
    // advance, each delivered until acknowledged.
    const batches = otlpBatches(KILLS * 8, BATCH, 'kill');
    const truth = truthOf(batches);
    let serve: ServeProcess = await startServe(store('killed'), cwd);
    let next = 0;
    let kills = 0;
    const deliver = async () => {
      for (let i = next++; i < batches.length; i = next++) {
        while (!(await postBatch(serve.url, batches[i]!))) await new Promise((r) => setTimeout(r, 50));
      }
    };
    const clients = Array.from({ length: CLIENTS }, deliver);
    const killer = (async () => {
      while (next < batches.length && kills < KILLS) {
        await new Promise((r) => setTimeout(r, 1000 + Math.random() * 2000));
        if (next >= batches.length) break;
        await serve.kill9();
        kills += 1;
        serve = await startServe(store('killed'), cwd);
      }
    })();
    await Promise.all([...clients, killer]);
    await serve.stop();
    const stored = await storedTotals(server.url, 'killed');
    const same = JSON.stringify(stored) === JSON.stringify(truth);
    console.log(
      `kill -9 of serve over ClickHouse, ${kills} times under load: stored ${stored.records.toLocaleString('en-US')} records, ` +
        `$${stored.cost}; expected ${truth.records.toLocaleString('en-US')}, $${truth.cost}: ${same ? 'identical' : 'DIFFERENT'}`,
    );
    if (!same) process.exitCode = 1;
  } finally {
    await server.stop();
    rmSync(cwd, { recursive: true, force: true });
  }
}
