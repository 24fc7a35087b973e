import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'node:http';
import { recordId } from '../src/domain/ids.js';
import { CLAUDE_CODE_OTEL } from '../src/otlp/claude-code.js';
import { openStore } from '../src/store/open.js';

/**
 * Issue 19's bar for item 4: kill -9 of `mileage serve` under at least 20k points/s of OTLP, repeated at least
 * 10 times, loses no acknowledged record. Each run starts the built CLI (`dist/cli/bin.js serve`) on a fresh
 * store, offers Claude Code `api_request` log events over raw OTLP/HTTP JSON (keep-alive clients, batches of
 * PER_BATCH events, every event its own request id), kills the server with SIGKILL 1.5–3.5 s into the load,
 * restarts it on the same store (it replays its log before listening), stops it with SIGTERM, and counts the
 * acknowledged events (a 200 answer with nothing rejected) found in the store by their ids.
 *
 * OTLP_KILL_RUNS (default 10), OTLP_KILL_POINTS (offered points/s, default 22,000).
 */
const RUNS = Number(process.env.OTLP_KILL_RUNS ?? 10);
const TARGET_POINTS = Number(process.env.OTLP_KILL_POINTS ?? 22_000);
export const PER_BATCH = 200;
const CLIENTS = 24;
const CLI = join(import.meta.dirname, '../dist/cli/bin.js');

const attr = (key: string, value: string | number) =>
  typeof value === 'string'
    ? { key, value: { stringValue: value } }
    : { key, value: { intValue: String(value) } };

/** A logs request of PER_BATCH api_request events; `__N__` becomes the batch's name. */
export function template(): string {
  const t0 = Date.now() - 3_600_000;
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [attr('service.name', 'claude-code'), attr('service.version', '2.1.140')] },
        scopeLogs: [
          {
            scope: { name: 'com.anthropic.claude_code' },
            logRecords: Array.from({ length: PER_BATCH }, (_, i) => ({
              timeUnixNano: `${t0 + i}000000`,
              body: { stringValue: 'claude_code.api_request' },
              attributes: [
                attr('event.name', 'api_request'),
                attr('event.timestamp', new Date(t0 + i).toISOString()),
                attr('session.id', `kill-__N__-${i % 8}`),
                attr('user.email', `dev${i % 40}@example.com`),
                attr('model', 'claude-sonnet-4-6'),
                attr('input_tokens', 40 + i),
                attr('output_tokens', 400 + i),
                attr('cache_read_tokens', 45_000 + i),
                attr('cache_creation_tokens', 1_800),
                { key: 'cost_usd', value: { doubleValue: 0.0267 + i / 10_000 } },
                attr('request_id', `req___N___${i}`),
              ],
            })),
          },
        ],
      },
    ],
  });
}

export interface Served {
  child: ChildProcess;
  port: number;
  stderr: string[];
  exited: Promise<number | null>;
}

/** `mileage serve` on a free port; resolves once it prints its URL (after replaying its log). */
export function serve(db: string, nodeArgs: string[] = []): Promise<Served> {
  const child = spawn(
    process.execPath,
    [...nodeArgs, CLI, 'serve', '--db', db, '--port', '0', '--host', '127.0.0.1'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  const stderr: string[] = [];
  child.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), stderr, exited });
    });
    void exited.then((code) => reject(new Error(`serve exited (${code}): ${stderr.join('')}`)));
  });
}

/** POSTs one body; resolves with the status and body, or null when the connection died. */
export function post(
  agent: Agent,
  port: number,
  body: string,
): Promise<{ status: number; text: string } | null> {
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: '/v1/logs',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', () => resolve(null));
      },
    );
    req.on('error', () => resolve(null));
    req.end(body);
  });
}

interface RunFigures {
  run: number;
  killedAfterMs: number;
  offered: number;
  acknowledged: number;
  stored: number;
  pointsPerSecond: number;
  retried: number;
  replayed: string;
}

async function oneRun(run: number, dir: string, body: string): Promise<RunFigures> {
  const db = join(dir, `run-${run}.duckdb`);
  const first = await serve(db);
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const acknowledged: string[] = [];
  let offered = 0;
  let retried = 0;
  let batch = 0;
  let stop = false;
  const started = performance.now();
  const killAfter = 1_500 + Math.random() * 2_000;
  const interval = (PER_BATCH / TARGET_POINTS) * 1_000 * CLIENTS;
  const client = async (c: number) => {
    let next = performance.now() + (interval * c) / CLIENTS;
    while (!stop) {
      const wait = next - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      next += interval;
      const name = `${run}_${batch++}`;
      offered += PER_BATCH;
      const answer = await post(agent, first.port, body.replaceAll('__N__', name));
      if (answer?.status === 200) {
        const parsed = JSON.parse(answer.text) as { partialSuccess?: { rejectedLogRecords?: string } };
        if (Number(parsed.partialSuccess?.rejectedLogRecords ?? 0) !== 0)
          throw new Error(`rejected: ${answer.text}`);
        for (let i = 0; i < PER_BATCH; i++) acknowledged.push(`req_${name}_${i}`);
      } else if (answer?.status === 503) retried += 1;
    }
  };
  const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
  await new Promise((r) => setTimeout(r, killAfter));
  first.child.kill('SIGKILL');
  const loadSeconds = (performance.now() - started) / 1_000;
  await first.exited;
  stop = true;
  await Promise.all(clients);
  agent.destroy();

  const second = await serve(db);
  const replayed =
    /stored (\d+) acknowledged OTLP records/.exec(second.stderr.join(''))?.[1] ?? 'nothing to replay';
  second.child.kill('SIGTERM');
  await second.exited;

  const store = await openStore(db);
  const ids = new Set(
    (await store.query('SELECT id FROM usage WHERE source = $s', { s: CLAUDE_CODE_OTEL })).map((r) =>
      String(r.id),
    ),
  );
  await store.close();
  const stored = acknowledged.filter((id) => ids.has(recordId(CLAUDE_CODE_OTEL, 'request', id))).length;
  return {
    run,
    killedAfterMs: Math.round(killAfter),
    offered,
    acknowledged: acknowledged.length,
    stored,
    pointsPerSecond: Math.round(acknowledged.length / loadSeconds),
    retried,
    replayed,
  };
}

export async function benchOtlpKill(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mileage-bench-kill-'));
  const body = template();
  console.log(
    `kill -9 of mileage serve under OTLP load: ${RUNS} runs, ${TARGET_POINTS.toLocaleString('en-US')} points/s offered by ${CLIENTS} keep-alive clients (batches of ${PER_BATCH} Claude Code api_request events, raw OTLP/HTTP JSON)`,
  );
  console.log('run  killed at  offered  acknowledged  stored  lost  ack points/s  503s  replayed at restart');
  let lost = 0;
  try {
    for (let run = 1; run <= RUNS; run++) {
      const f = await oneRun(run, dir, body);
      lost += f.acknowledged - f.stored;
      console.log(
        `${String(f.run).padStart(3)}  ${`${f.killedAfterMs} ms`.padStart(9)}  ${String(f.offered).padStart(7)}  ${String(f.acknowledged).padStart(12)}  ${String(f.stored).padStart(6)}  ${String(f.acknowledged - f.stored).padStart(4)}  ${String(f.pointsPerSecond).padStart(12)}  ${String(f.retried).padStart(4)}  ${f.replayed}`,
      );
    }
    console.log(`acknowledged records lost over ${RUNS} kill -9 runs: ${lost}`);
    // Other work on the machine slows the server and the clients alike: the figures above are read with it.
    console.log(
      `load average at the end (1, 5, 15 min): ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchOtlpKill();
