import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { storedOrg } from '../src/cli/context.js';
import { bookRepricer } from '../src/cli/pricing.js';
import { PLANTED, generateDemo } from '../src/demo/index.js';
import { loadDemo } from '../src/ingest/demo.js';
import { loadOrgFile } from '../src/org/load.js';
import { PriceBook } from '../src/pricing/price-book.js';
import { runServer } from '../src/server/run-server.js';
import type { Db } from '../src/store/db.js';
import { openStore } from '../src/store/open.js';

/**
 * Issue 7's bar: the API answers the dashboard's requests at p95 < 300 ms with 20 concurrent users, on a
 * store of 10M usage records. The server runs as `mileage serve` wires it, on 127.0.0.1; 20 users run in a
 * worker thread (their JSON parsing does not share the server's event loop), each looping over what the
 * dashboard loads — who am I, the filters, spend by team / model / day, cost per merged PR, workflows, the
 * PR list, a PR drill-down, the weekly diagnostic — over keep-alive connections. Store: MILEAGE_BENCH_STORE
 * (a store file, e.g. from bench/corpus/org-scale.ts), else the demo (30 engineers, 6 months) made here.
 */
const USERS = Number(process.env.API_BENCH_USERS ?? 20);
const SECONDS = Number(process.env.API_BENCH_SECONDS ?? 20);
/** Answers kept per data version; API_BENCH_CACHE=0 measures every request computed afresh. */
const CACHE = Number(process.env.API_BENCH_CACHE ?? 500);

const PATHS = [
  '/api/v1/me',
  '/api/v1/filters',
  '/api/v1/metrics/spend.total?by=team',
  '/api/v1/metrics/spend.total?by=model',
  '/api/v1/metrics/spend.calendar',
  '/api/v1/metrics/effectiveness.cost_per_merged_pr?by=team',
  '/api/v1/metrics/efficiency.cost_per_mtok?by=tool',
  '/api/v1/workflows',
  '/api/v1/prs',
  '/api/v1/reports/weekly',
];

const CLIENT_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { base, token, users, seconds, paths, pr } = workerData;
const all = pr ? [...paths, '/api/v1/prs/' + pr] : paths;
const lat = {};
let failures = 0;
const end = Date.now() + seconds * 1000;
async function user(i) {
  let n = i;
  while (Date.now() < end) {
    const path = all[n++ % all.length];
    const t = performance.now();
    try {
      const res = await fetch(base + path, { headers: { authorization: 'Bearer ' + token } });
      await res.arrayBuffer();
      if (!res.ok) failures++;
    } catch { failures++; }
    (lat[path] ??= []).push(performance.now() - t);
  }
}
const started = performance.now();
Promise.all(Array.from({ length: users }, (_, i) => user(i))).then(() =>
  parentPort.postMessage({ lat, failures, elapsed: (performance.now() - started) / 1000 }));
`;

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function demoStore(dir: string): Promise<Db> {
  const manifest = await generateDemo(
    { seed: 42, engineers: 30, months: 6, end: '2026-11-16', effects: PLANTED },
    join(dir, 'demo'),
  );
  const org = await loadOrgFile(manifest.orgFile);
  if (!org.ok) throw new Error('demo org file invalid');
  const db = await openStore(join(dir, 'bench.duckdb'));
  await loadDemo(db, manifest, org.value, new PriceBook(org.value.priceOverrides));
  return db;
}

export async function benchApi(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mileage-bench-api-'));
  const path = process.env.MILEAGE_BENCH_STORE;
  const db = path ? await openStore(path) : await demoStore(dir);
  const book = new PriceBook([]);
  try {
    const [records] = await db.query('SELECT count(*) AS n FROM usage');
    const { org, privacy, timeZone } = await storedOrg(db, null);
    const server = await runServer({
      db,
      org,
      privacy,
      timeZone,
      book,
      reprice: bookRepricer(book),
      host: '127.0.0.1',
      port: 0,
      webRoot: null,
      cacheEntries: CACHE,
      log: (m) => console.error(m),
    });
    try {
      const prs = (await (
        await fetch(`${server.url}/api/v1/prs`, {
          headers: { authorization: `Bearer ${server.sessionToken}` },
        })
      ).json()) as { rows: { id: string }[] };
      const report = await new Promise<{ lat: Record<string, number[]>; failures: number; elapsed: number }>(
        (resolve, reject) => {
          const worker = new Worker(CLIENT_CODE, {
            eval: true,
            workerData: {
              base: server.url,
              token: server.sessionToken,
              users: USERS,
              seconds: SECONDS,
              paths: PATHS,
              pr: prs.rows[0]?.id ?? null,
            },
          });
          worker.once('message', resolve);
          worker.once('error', reject);
        },
      );
      const all = Object.values(report.lat)
        .flat()
        .sort((a, b) => a - b);
      const f = (v: number) => v.toFixed(0);
      console.log(
        `store: ${path ?? 'demo (30 engineers, 6 months)'}, ${Number(records?.n ?? 0).toLocaleString('en-US')} usage records; ${USERS} users for ${SECONDS} s on 127.0.0.1; response cache ${CACHE ? `on (${CACHE} entries)` : 'off'}`,
      );
      console.log(
        `requests: ${all.length.toLocaleString('en-US')} (${report.failures} failed), throughput ${(all.length / report.elapsed).toFixed(1)} requests/s`,
      );
      console.log(
        `latency:  p50 ${f(pct(all, 50))} ms, p95 ${f(pct(all, 95))} ms, p99 ${f(pct(all, 99))} ms, max ${f(all[all.length - 1] ?? 0)} ms   (bar: p95 < 300 ms at 10M records)`,
      );
      for (const [p, values] of Object.entries(report.lat)) {
        const s = values.sort((a, b) => a - b);
        console.log(
          `  ${p.padEnd(60)} n ${String(s.length).padStart(5)}  p50 ${f(pct(s, 50)).padStart(5)}  p95 ${f(pct(s, 95)).padStart(5)}  p99 ${f(pct(s, 99)).padStart(5)} ms`,
        );
      }
    } finally {
      await server.stop();
    }
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}
