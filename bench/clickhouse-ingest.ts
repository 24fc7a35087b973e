import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { clickhouseAvailable, startClickHouse, type TestClickHouse } from '../test/support/clickhouse.js';
import { startServe, storedTotals, type ServeProcess } from '../test/support/clickhouse-serve.js';
import { apiRequestLogs } from '../test/support/otlp-logs.js';
import { execFileSync } from 'node:child_process';
import { openStore } from '../src/store/open.js';
import { drive as driveHttp } from './load.js';
import { CLI, ROOT, started, stopped } from './processes.js';

/**
 * Issue 23's ingest bar (≥ 100k records/s through `serve` into ClickHouse): Claude Code `api_request` events over
 * OTLP/HTTP JSON, each its own request id, acknowledged records per second through one and two `serve`
 * processes over one ClickHouse database, with the embedded store's `serve` (DuckDB, its receiver log) side by
 * side in the same run. Besides the wall-clock rate, which on a shared 2-core machine mostly measures the other
 * tenants, it prints the CPU seconds each side spent (serve processes, the ClickHouse engine, from
 * /proc/<pid>/stat), so records per CPU-second — what one core sustains — can be read whatever the load.
 *
 * Then the gateway (`mileage gateway`, OpenAI chat completions against bench/mock-llm-main.ts answering at once,
 * CH_GATEWAY_CONNECTIONS connections, default 50): records stored per second with the gateway writing straight
 * into ClickHouse (`--store clickhouse://…`) and, side by side, owning an embedded store.
 *
 * Uses the built CLI (dist/). CH_RATE_SECONDS (default 15), CH_CLIENTS (default 8), CH_BATCH (records per
 * request, default 500, the OTLP SDK's batch size is 512), CH_SERVE_NODE_ARGS (e.g. `--cpu-prof`).
 */
const SECONDS = Number(process.env.CH_RATE_SECONDS ?? 15);
const CLIENTS = Number(process.env.CH_CLIENTS ?? 8);
const BATCH = Number(process.env.CH_BATCH ?? 500);
const NODE_ARGS = (process.env.CH_SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** CPU seconds (user + system) a process has used so far; 0 when it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat; after "pid (comm) " they are at 11 and 12.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/**
 * One request body per batch, made by replacing a tag in a template: building the OTLP JSON for every batch
 * would cost the bench's own process more CPU than the servers it measures.
 */
function bodies(): (tag: string) => string {
  const template = apiRequestLogs(
    Array.from({ length: BATCH }, (_, i) => ({
      requestId: `req_@TAG@_${String(i).padStart(6, '0')}`,
      cost: `0.${String(1000 + ((i * 7919) % 9000)).padStart(4, '0')}${i % 10}`,
      inputTokens: 10 + ((i * 31) % 500),
    })),
  ).split('@TAG@');
  return (tag) => template.join(tag);
}

async function post(url: string, body: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

interface Run {
  label: string;
  acked: number;
  seconds: number;
  refused: number;
  stored: number;
  serveCpu: number;
  engineCpu: number | null;
  load: [string, string];
}

async function drive(
  label: string,
  procs: ServeProcess[],
  engine: TestClickHouse | null,
): Promise<Omit<Run, 'stored'>> {
  const body = bodies();
  const load0 = loadavg()[0]!.toFixed(1);
  const serveCpu0 = procs.reduce((a, p) => a + cpuSeconds(p.child.pid ?? 0), 0);
  const engineCpu0 = engine ? cpuSeconds(engine.pid) : 0;
  const deadline = Date.now() + SECONDS * 1000;
  let acked = 0;
  let refused = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let n = 0; Date.now() < deadline; n++) {
        if (await post(procs[c % procs.length]!.url, body(`${label}_${c}_${n}`))) acked += BATCH;
        else refused += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    label,
    acked,
    seconds,
    refused,
    serveCpu: procs.reduce((a, p) => a + cpuSeconds(p.child.pid ?? 0), 0) - serveCpu0,
    engineCpu: engine ? cpuSeconds(engine.pid) - engineCpu0 : null,
    load: [load0, loadavg()[0]!.toFixed(1)],
  };
}

function report(r: Run): void {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const cpu = r.serveCpu + (r.engineCpu ?? 0);
  console.log(
    `${r.label}: ${n(r.acked / r.seconds)} records/s acknowledged (${n(r.acked)} in ${r.seconds.toFixed(1)} s, ` +
      `${r.refused} requests refused, ${n(r.stored)} stored); CPU: serve ${r.serveCpu.toFixed(1)} s` +
      (r.engineCpu === null ? '' : `, ClickHouse ${r.engineCpu.toFixed(1)} s`) +
      ` → ${n(r.acked / Math.max(cpu, 0.01))} records per CPU-second` +
      (r.engineCpu === null ? '' : ` (serve alone ${n(r.acked / Math.max(r.serveCpu, 0.01))})`) +
      `; load average ${r.load[0]} → ${r.load[1]}`,
  );
}

export async function benchClickHouseIngest(): Promise<void> {
  if (!clickhouseAvailable()) return;
  console.log(
    `${CLIENTS} clients × ${BATCH} records per OTLP/HTTP JSON request, ${SECONDS} s per run, ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const cwd = mkdtempSync(join(tmpdir(), 'mileage-bench-ch-ingest-'));
  const server = await startClickHouse();
  const store = (db: string) => `clickhouse://default@127.0.0.1:${server.httpPort}/${db}`;
  try {
    // The embedded store's serve: acknowledged once in its receiver log (fsync'ed), stored by its writer.
    const file = join(cwd, 'embedded.duckdb');
    const embedded = await startServe(file, cwd, NODE_ARGS);
    const duck = await drive('DuckDB, 1 serve', [embedded], null);
    await embedded.stop();
    const stored = /stored (\d+) records/.exec(embedded.stderr());
    report({ ...duck, stored: stored ? Number(stored[1]) : Number.NaN });

    for (const servers of [1, 2]) {
      if (process.env.CH_SKIP_SERVE === '1') break;
      const db = `ingest${servers}`;
      const procs = await Promise.all(
        Array.from({ length: servers }, () => startServe(store(db), cwd, NODE_ARGS)),
      );
      const run = await drive(`ClickHouse, ${servers} serve`, procs, server);
      for (const p of procs) await p.stop();
      report({ ...run, stored: (await storedTotals(server.url, db)).records });
    }
    await benchGatewayInto(file.replace('embedded', 'gateway'), cwd, 'DuckDB (owned by the gateway)', null);
    await benchGatewayInto(store('gateway'), cwd, 'ClickHouse', server);
  } finally {
    await server.stop();
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** Usage records a ClickHouse database holds, each id once (the gateway's have no cost until priced). */
async function countIn(clickhouseUrl: string, database: string): Promise<number> {
  const sql = `SELECT count() AS n FROM ${database}.usage FINAL WHERE counted FORMAT JSONEachRow`;
  const res = await fetch(`${clickhouseUrl}/?query=${encodeURIComponent(sql)}`);
  if (!res.ok) throw new Error(`ClickHouse: ${await res.text()}`);
  return Number((JSON.parse(await res.text()) as { n: number }).n);
}

const GATEWAY_CONNECTIONS = Number(process.env.CH_GATEWAY_CONNECTIONS ?? 50);

/** Records per second the gateway stores: each answered request is one usage record. */
async function benchGatewayInto(
  store: string,
  cwd: string,
  label: string,
  engine: TestClickHouse | null,
): Promise<void> {
  const mock = await started(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/mock-llm-main.ts')], {});
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, [CLI, ...args, '--store', store, '--json'], {
      encoding: 'utf8',
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  const made = JSON.parse(cli('keys', 'create', '--team', 'bench')) as { key: string };
  const gateway = await started(
    process.execPath,
    [
      ...NODE_ARGS,
      CLI,
      'gateway',
      '--store',
      store,
      '--port',
      '0',
      '--spool',
      join(cwd, `spool-${label.length}`),
    ],
    {
      OPENAI_API_KEY: 'sk-bench',
      MILEAGE_GATEWAY_OPENAI_URL: `${mock.line}/v1`,
      HOME: cwd,
    },
  );
  const pid = gateway.child.pid ?? 0;
  const cpu0 = cpuSeconds(pid);
  const engine0 = engine ? cpuSeconds(engine.pid) : 0;
  const load0 = loadavg()[0]!.toFixed(1);
  const body = JSON.stringify({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Say hello.' }] });
  const result = await driveHttp({
    base: gateway.line,
    connections: GATEWAY_CONNECTIONS,
    seconds: SECONDS,
    request: () => ({
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${made.key}` },
      body,
    }),
  });
  const gatewayCpu = cpuSeconds(pid) - cpu0;
  const engineCpu = engine ? cpuSeconds(engine.pid) - engine0 : null;
  const load1 = loadavg()[0]!.toFixed(1);
  await stopped(gateway.child);
  await stopped(mock.child);
  const stored = engine
    ? await countIn(engine.url, 'gateway')
    : await (async () => {
        const db = await openStore(store);
        try {
          return (await db.counts()).usage;
        } finally {
          await db.close();
        }
      })();
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  console.log(
    `gateway into ${label}: ${n(result.rps)} requests/s answered (${n(result.requests)} in ${result.seconds.toFixed(1)} s, ` +
      `${result.failed} failed, p50 ${result.p50.toFixed(1)} ms), ${n(stored)} records stored ` +
      `(${n(stored / result.seconds)} records/s); CPU: gateway ${gatewayCpu.toFixed(1)} s` +
      (engineCpu === null ? '' : `, ClickHouse ${engineCpu.toFixed(1)} s`) +
      ` → ${n(stored / Math.max(gatewayCpu + (engineCpu ?? 0), 0.01))} records per CPU-second; load average ${load0} → ${load1}`,
  );
}
