import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'node:http';
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

export async function benchOtlpCapacity(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mileage-bench-capacity-'));
  const prof = process.env.OTLP_CAPACITY_PROF;
  try {
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
