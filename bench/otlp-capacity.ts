import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'node:http';
import { currentAcceptedTimes } from '../src/domain/accepted-times.js';
import { pseudonymised } from '../src/domain/pseudonymise.js';
import { checkUsageRecord } from '../src/domain/record-bounds.js';
import type { UsageRecord } from '../src/domain/usage.js';
import { decodeLogs } from '../src/otlp/index.js';
import { openStore } from '../src/store/open.js';
import { PER_BATCH, post, serve, template } from './otlp-kill.js';

/**
 * The OTLP receiver's capacity in isolation (issue 19 item 4: the kill -9 bar needs 20k points/s): the built
 * `mileage serve` on a fresh store, CLIENTS keep-alive clients each posting the kill bench's batches (200
 * Claude Code api_request events, raw OTLP/HTTP JSON) back to back for SECONDS, then SIGTERM (which stores
 * what is queued). Prints acknowledged points/s, and the receiver's own CPU time read from /proc: points per
 * CPU-second of the receiver is what the receiver costs, whatever else loads the machine (the load average
 * is printed beside). OTLP_CAPACITY_PROF=DIR writes a V8 CPU profile of the receiver there.
 */
const SECONDS = Number(process.env.OTLP_CAPACITY_SECONDS ?? 8);
const CLIENTS = Number(process.env.OTLP_CAPACITY_CLIENTS ?? 8);

async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime (fields 14 and 15 of the file), in clock ticks of 1/100 s.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU microseconds per point of `work` over one batch, repeated `n` times (this process, single-threaded). */
function perPoint(n: number, work: () => void): number {
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n / PER_BATCH;
}

/**
 * The receiver's stages alone, in this process: CPU per point of each step a request's records go through
 * (the HTTP layer and fsync aside), and the store's append of 20,000 records (CPU of this process, which
 * includes DuckDB's threads, and wall time).
 */
async function stages(dir: string): Promise<void> {
  const body = template().replaceAll('__N__', 'stage');
  const records = decodeLogs(JSON.parse(body), 'bench').records;
  const times = currentAcceptedTimes();
  const safe = records.map(pseudonymised);
  const figures = {
    'JSON.parse of the request': perPoint(300, () => void JSON.parse(body)),
    'decode (OTLP logs to usage records)': perPoint(300, () => void decodeLogs(JSON.parse(body), 'bench')),
    'bounds check': perPoint(300, () => records.forEach((r) => checkUsageRecord(r, times))),
    'pseudonymise identity': perPoint(300, () => records.map(pseudonymised)),
    "the log's line (one JSON.stringify per request)": perPoint(300, () => JSON.stringify(safe)),
  };
  figures['decode (OTLP logs to usage records)'] -= figures['JSON.parse of the request'];
  for (const [stage, us] of Object.entries(figures))
    console.log(`  ${stage.padEnd(48)} ${us.toFixed(2).padStart(6)} µs CPU per point`);
  const total = Object.values(figures).reduce((a, b) => a + b, 0);
  console.log(
    `  ${'together'.padEnd(48)} ${total.toFixed(2).padStart(6)} µs = ${Math.round(1e6 / total).toLocaleString('en-US')} points/s on one core`,
  );
  const db = await openStore(join(dir, 'append.duckdb'));
  const many: UsageRecord[] = [];
  for (let b = 0; b < 100; b++)
    for (const r of safe) many.push({ ...r, id: `${r.id.slice(0, 24)}${String(b).padStart(8, '0')}` });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < many.length; i += 5_000) await db.appendUsage(many.slice(i, i + 5_000));
  const wall = (performance.now() - t0) / 1_000;
  const cpu = process.cpuUsage(cpu0);
  await db.close();
  console.log(
    `  store append, ${many.length.toLocaleString('en-US')} records in batches of 5,000: ${Math.round(many.length / wall).toLocaleString('en-US')} records/s wall, ${((cpu.user + cpu.system) / many.length).toFixed(1)} µs CPU per record (DuckDB's threads included)`,
  );
}

export async function benchOtlpCapacity(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mileage-bench-capacity-'));
  const prof = process.env.OTLP_CAPACITY_PROF;
  try {
    console.log(
      `receiver stages in isolation (load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}):`,
    );
    await stages(dir);
    console.log('the built server under closed-loop load:');
    const nodeArgs = [
      ...(prof ? ['--cpu-prof', '--cpu-prof-dir', prof] : []),
      ...(process.env.OTLP_CAPACITY_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    ];
    const served = await serve(join(dir, 'c.duckdb'), nodeArgs);
    const pid = served.child.pid as number;
    const body = template();
    const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
    let acked = 0;
    let retried = 0;
    let batch = 0;
    const cpu0 = await cpuSeconds(pid);
    const started = performance.now();
    const until = started + SECONDS * 1_000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (performance.now() < until) {
          const answer = await post(agent, served.port, body.replaceAll('__N__', `cap_${batch++}`));
          if (answer?.status === 200) acked += PER_BATCH;
          else retried += 1;
        }
      }),
    );
    const wall = (performance.now() - started) / 1_000;
    const cpu = (await cpuSeconds(pid)) - cpu0;
    agent.destroy();
    served.child.kill('SIGTERM');
    await served.exited;
    const load = loadavg().map((l) => l.toFixed(1));
    console.log(
      `${CLIENTS} clients, ${wall.toFixed(1)} s: ${acked.toLocaleString('en-US')} points acknowledged = ${Math.round(acked / wall).toLocaleString('en-US')} points/s; ` +
        `receiver CPU ${cpu.toFixed(2)} s = ${Math.round(acked / cpu).toLocaleString('en-US')} points per receiver CPU-second; ${retried} not acknowledged (503); load average ${load.join(' ')}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchOtlpCapacity();
