import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { openStore } from '../src/store/open.js';
import { drive, driveRate, type LoadResult } from './load.js';
import { CLI, portkeyEntry, ROOT, started, stopped, usageOf } from './processes.js';

/**
 * Issue 21's bar: Mileage's gateway beside Portkey's (`@portkey-ai/gateway` 1.15.2), a plain Node proxy
 * (bench/plain-proxy-main.ts: the floor, what node:http gives with nothing metered) and a direct call, on the
 * same local mock provider answering at once (its own process, bench/mock-llm-main.ts), 50 connections, the
 * four shapes (OpenAI chat and Anthropic messages, streamed and not). Prints requests/s, p50/p99, the
 * ratios, the CPU per request of the gateway and of the plain proxy (from /proc, far less sensitive to the
 * machine's load than requests/s), the load average, and the metering check: for every answer the mock gave
 * through Mileage's gateway, one record whose tokens equal what the mock reported.
 *
 * GATEWAY_BENCH_SECONDS (default 20) per case and target, after GATEWAY_BENCH_WARMUP (default 2) seconds of
 * each not measured; GATEWAY_BENCH_CONNECTIONS (default 50);
 * GATEWAY_BENCH_MODE `store` (default: the gateway owns the store, so its CPU includes storing the records)
 * or `server` (the gateway ships to a `mileage serve` that owns the store, as deployed: its CPU is the proxy's);
 * GATEWAY_BENCH_TARGETS (default `direct,portkey,plain,mileage`) and GATEWAY_BENCH_CASES (a word of the case
 * names, e.g. `stream`) to run less; GATEWAY_BENCH_NODE_ARGS are given to the gateway's node (`--cpu-prof`).
 *
 * `npm run bench -- gateway-soak` is the memory bar (issue 21: memory flat over a 10-minute run): the gateway
 * alone at a fixed GATEWAY_BENCH_RATE (default 200) requests/s, the four shapes in turn, for
 * GATEWAY_SOAK_MINUTES (default 10), its RSS and JS heap sampled every 30 s; prints the samples, the growth
 * from the first minute to the last, and the metering check.
 */
const MODE = process.env.GATEWAY_BENCH_MODE === 'server' ? 'server' : 'store';
const SECONDS = Number(process.env.GATEWAY_BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.GATEWAY_BENCH_CONNECTIONS ?? 50);
const RATE = Number(process.env.GATEWAY_BENCH_RATE ?? 200);
const TARGETS = (process.env.GATEWAY_BENCH_TARGETS ?? 'direct,portkey,plain,mileage').split(',');
/** Seconds of load per case and target before the measured runs (JIT warm-up). */
const WARMUP = Number(process.env.GATEWAY_BENCH_WARMUP ?? 2);
const CASE_FILTER = process.env.GATEWAY_BENCH_CASES ?? '';
const NODE_ARGS = (process.env.GATEWAY_BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
/** RSS is sampled at the end of each slice of this many seconds. */
const SAMPLE_SECONDS = 30;

type Target = 'direct' | 'portkey' | 'plain' | 'mileage';

interface Case {
  name: string;
  provider: 'openai' | 'anthropic';
  path: string;
  body: Record<string, unknown>;
}

const messages = [{ role: 'user', content: 'Say hello.' }];
const CASES: Case[] = [
  {
    name: 'openai chat',
    provider: 'openai',
    path: '/v1/chat/completions',
    body: { model: 'gpt-5-mini', messages },
  },
  {
    // Without include_usage: the gateway asks for it upstream and strips the chunk.
    name: 'openai chat stream',
    provider: 'openai',
    path: '/v1/chat/completions',
    body: { model: 'gpt-5-mini', messages, stream: true },
  },
  {
    name: 'anthropic messages',
    provider: 'anthropic',
    path: '/v1/messages',
    body: { model: 'claude-sonnet-4-6', max_tokens: 64, messages },
  },
  {
    name: 'anthropic messages stream',
    provider: 'anthropic',
    path: '/v1/messages',
    body: { model: 'claude-sonnet-4-6', max_tokens: 64, messages, stream: true },
  },
];

const common = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

interface Running {
  mockUrl: string;
  db: string;
  gateway: { url: string; pid: number };
  plain: { url: string; pid: number } | null;
  targets: Record<Target, (c: Case) => { base: string; headers: Record<string, string> }>;
  stop(): Promise<void>;
}

/** The mock, the gateway (with `mileage serve` in server mode), the plain proxy and Portkey, as asked. */
async function startAll(dir: string, withPeers: boolean): Promise<Running> {
  const db = join(dir, 'store.duckdb');
  const tsx = ['--import', 'tsx'];
  const mock = await started(process.execPath, [...tsx, join(ROOT, 'bench/mock-llm-main.ts')]);
  const mockUrl = mock.line;
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, [CLI, ...args, '--db', db, '--json'], { encoding: 'utf8' });
  // With a server, `keys create` and `tokens create` go through it (it owns the store).
  const serve =
    MODE === 'server' ? await started(process.execPath, [CLI, 'serve', '--db', db, '--port', '0']) : null;
  const made = JSON.parse(cli('keys', 'create', '--team', 'bench')) as { key: string };
  const link = serve
    ? {
        args: ['--server', serve.line, '--spool', join(dir, 'spool')],
        env: {
          MILEAGE_GATEWAY_TOKEN: (
            JSON.parse(cli('tokens', 'create', '--role', 'ingest')) as { token: string }
          ).token,
        },
      }
    : { args: ['--db', db], env: {} };
  const gateway = await started(
    process.execPath,
    [...NODE_ARGS, CLI, 'gateway', ...link.args, '--port', '0'],
    {
      ANTHROPIC_API_KEY: 'sk-ant-bench',
      OPENAI_API_KEY: 'sk-bench',
      MILEAGE_GATEWAY_ANTHROPIC_URL: mockUrl,
      MILEAGE_GATEWAY_OPENAI_URL: `${mockUrl}/v1`,
      ...link.env,
    },
  );
  const plain =
    withPeers && TARGETS.includes('plain')
      ? await started(process.execPath, [...tsx, join(ROOT, 'bench/plain-proxy-main.ts'), mockUrl])
      : null;
  const portkey =
    withPeers && TARGETS.includes('portkey')
      ? await started(process.execPath, [portkeyEntry(), '--port=18787'], {}, /Ready for connections/)
      : null;
  const portkeyUrl = 'http://127.0.0.1:18787';
  const keyHeaders = (c: Case): Record<string, string> =>
    c.provider === 'anthropic' ? { 'x-api-key': made.key } : { authorization: `Bearer ${made.key}` };
  return {
    mockUrl,
    db,
    gateway: { url: gateway.line, pid: gateway.child.pid ?? 0 },
    plain: plain ? { url: plain.line, pid: plain.child.pid ?? 0 } : null,
    targets: {
      direct: () => ({ base: mockUrl, headers: { ...common, authorization: 'Bearer sk-direct' } }),
      portkey: (c) => ({
        base: portkeyUrl,
        headers: {
          ...common,
          'x-portkey-provider': c.provider,
          'x-portkey-custom-host': `${mockUrl}/v1`,
          authorization: 'Bearer sk-bench',
          'x-api-key': 'sk-ant-bench',
        },
      }),
      plain: () => ({ base: plain?.line ?? '', headers: { ...common, authorization: 'Bearer sk-plain' } }),
      mileage: (c) => ({ base: gateway.line, headers: { ...common, ...keyHeaders(c) } }),
    },
    async stop() {
      if (portkey) await stopped(portkey.child);
      if (plain) await stopped(plain.child);
      await stopped(mock.child);
      await stopped(gateway.child);
      if (serve) await stopped(serve.child);
    },
  };
}

/** The answers the mock gave since the last call (request id → tokens), added to `sent`. */
async function collectSent(mockUrl: string, sent: Map<string, number>): Promise<void> {
  const got = (await (await fetch(`${mockUrl}/__sent`)).json()) as Record<string, number>;
  for (const [id, n] of Object.entries(got)) sent.set(id, n);
  await fetch(`${mockUrl}/__sent`, { method: 'DELETE' });
}

export async function benchGateway(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mileage-gw-bench-'));
  const run = await startAll(dir, true);
  const targets = TARGETS.filter((t): t is Target => t in run.targets);
  const cases = CASES.filter((c) => c.name.includes(CASE_FILTER));
  const sent = new Map<string, number>();
  const rows: string[][] = [];
  const cpu = { mileage: cpuTally(), plain: cpuTally() };
  const rss0 = usageOf(run.gateway.pid).rssMb;
  const lines: string[] = [];
  try {
    // Warm-up, not measured: the first seconds of a Node server are its JIT compiling the hot path.
    for (const c of cases)
      for (const name of targets.filter((t) => t !== 'direct')) {
        const t = run.targets[name](c);
        const body = JSON.stringify(c.body);
        await drive({
          base: t.base,
          connections: CONNECTIONS,
          seconds: WARMUP,
          request: () => ({ path: c.path, headers: t.headers, body }),
        });
        if (name === 'mileage') await collectSent(run.mockUrl, sent);
        else await fetch(`${run.mockUrl}/__sent`, { method: 'DELETE' });
      }
    await fetch(`${run.mockUrl}/__sent`, { method: 'DELETE' });
    for (const c of cases) {
      const results: Partial<Record<Target, LoadResult & { cpuMs?: number }>> = {};
      const loads: string[] = [load()];
      for (const name of targets) {
        const t = run.targets[name](c);
        const pid = name === 'mileage' ? run.gateway.pid : name === 'plain' ? (run.plain?.pid ?? 0) : 0;
        const cpu0 = pid ? usageOf(pid) : null;
        const body = JSON.stringify(c.body);
        const r: LoadResult & { cpuMs?: number } = await drive({
          base: t.base,
          connections: CONNECTIONS,
          seconds: SECONDS,
          request: () => ({ path: c.path, headers: t.headers, body }),
        });
        if ((name === 'mileage' || name === 'plain') && cpu0) {
          r.cpuMs = tally(cpu[name], cpu0, usageOf(pid), r.requests + r.failed);
        }
        if (name === 'mileage') await collectSent(run.mockUrl, sent);
        else await fetch(`${run.mockUrl}/__sent`, { method: 'DELETE' });
        results[name] = r;
      }
      loads.push(load());
      const { direct, portkey: pk, plain, mileage } = results;
      const perRequest = (r?: LoadResult & { cpuMs?: number }) =>
        r?.cpuMs === undefined ? '–' : (r.cpuMs / Math.max(1, r.requests + r.failed)).toFixed(3);
      const ratio = (a?: LoadResult, b?: LoadResult) => (a && b ? `${(a.rps / b.rps).toFixed(1)}x` : '–');
      rows.push([
        c.name,
        fmt(direct),
        fmt(pk),
        fmt(plain),
        fmt(mileage),
        ratio(mileage, pk),
        ratio(plain, pk),
        `${perRequest(mileage)} / ${perRequest(plain)}`,
        mileage && direct ? `${(mileage.p99 - direct.p99).toFixed(1)} ms` : '–',
        String(Object.values(results).reduce((n, r) => n + r.failed, 0)),
        loads.join(' → '),
      ]);
    }
    // The latency bar: at a fixed rate (open loop), what the gateway adds over the direct call.
    const fixed = CASES[2] as Case;
    const at: Partial<Record<Target, LoadResult>> = {};
    const loadBefore = load();
    for (const name of targets.filter((t) => t !== 'portkey')) {
      const t = run.targets[name](fixed);
      const body = JSON.stringify(fixed.body);
      at[name] = await driveRate({
        base: t.base,
        rate: RATE,
        seconds: Math.min(SECONDS, 10),
        request: () => ({ path: fixed.path, headers: t.headers, body }),
      });
      if (name === 'mileage') await collectSent(run.mockUrl, sent);
      else await fetch(`${run.mockUrl}/__sent`, { method: 'DELETE' });
    }
    const p = (r?: LoadResult) => (r ? `p50 ${r.p50.toFixed(1)} / p99 ${r.p99.toFixed(1)} ms` : '–');
    lines.push(
      `at ${RATE} req/s (${fixed.name}, open loop, ${Math.min(SECONDS, 10)} s each, load ${loadBefore} → ${load()}): direct ${p(at.direct)}, plain ${p(at.plain)}, mileage ${p(at.mileage)}` +
        (at.mileage && at.direct
          ? `: mileage ${signed(at.mileage.p99 - at.direct.p99)} ms at p99 over direct`
          : '') +
        (at.plain && at.direct ? `, plain ${signed(at.plain.p99 - at.direct.p99)} ms` : ''),
    );
  } finally {
    const rss1 = usageOf(run.gateway.pid).rssMb;
    await run.stop();
    lines.unshift(
      `mileage gateway: ${perRequestCpu(cpu.mileage)}` +
        (cpu.plain.n ? `; plain proxy ${perRequestCpu(cpu.plain)}` : '') +
        `, RSS ${rss0.toFixed(0)} → ${rss1.toFixed(0)} MB`,
    );
  }
  console.log(
    `${CONNECTIONS} connections, ${SECONDS} s per case and target, the gateway ${MODE === 'server' ? 'shipping to mileage serve' : 'owning the store'}; requests/s (p50 / p99 ms)`,
  );
  printTable(
    [
      'case',
      'direct',
      'portkey 1.15.2',
      'plain proxy',
      'mileage',
      'mileage ÷ portkey',
      'plain ÷ portkey',
      'CPU ms/req mileage / plain',
      'p99 over direct',
      'failed',
      'load avg (1 5 15 min)',
    ],
    rows,
  );
  for (const l of lines) console.log(l);
  await meteringCheck(run.db, sent);
  await rm(dir, { recursive: true, force: true });
}

/** `gateway-soak`: the memory bar. */
export async function benchGatewaySoak(): Promise<void> {
  const minutes = Number(process.env.GATEWAY_SOAK_MINUTES ?? 10);
  const dir = await mkdtemp(join(tmpdir(), 'mileage-gw-soak-'));
  const run = await startAll(dir, false);
  const sent = new Map<string, number>();
  try {
    await fetch(`${run.mockUrl}/__sent`, { method: 'DELETE' });
    await memoryRun(minutes, run, sent);
  } finally {
    await run.stop();
  }
  await meteringCheck(run.db, sent);
  await rm(dir, { recursive: true, force: true });
}

/** The memory bar: a fixed rate through the gateway for `minutes`, RSS and heap sampled every SAMPLE_SECONDS. */
async function memoryRun(minutes: number, run: Running, sent: Map<string, number>): Promise<void> {
  const pid = run.gateway.pid;
  const target = run.targets.mileage;
  const slices = Math.max(1, Math.round((minutes * 60) / SAMPLE_SECONDS));
  const samples: { at: number; rssMb: number }[] = [{ at: 0, rssMb: usageOf(pid).rssMb }];
  let n = 0;
  let failed = 0;
  let requests = 0;
  const cpu0 = usageOf(pid).cpuMs;
  const t0 = performance.now();
  console.log(
    `0 s: RSS ${samples[0]?.rssMb.toFixed(1)} MB, ${await heapOf(run.gateway.url)} (load ${load()})`,
  );
  for (let i = 0; i < slices; i++) {
    const r = await driveRate({
      base: run.gateway.url,
      rate: RATE,
      seconds: SAMPLE_SECONDS,
      request: () => {
        const c = CASES[n++ % CASES.length] as Case;
        return { path: c.path, headers: target(c).headers, body: JSON.stringify(c.body) };
      },
    });
    requests += r.requests;
    failed += r.failed;
    await collectSent(run.mockUrl, sent);
    samples.push({ at: (performance.now() - t0) / 1000, rssMb: usageOf(pid).rssMb });
    console.log(
      `${samples.at(-1)?.at.toFixed(0)} s: RSS ${samples.at(-1)?.rssMb.toFixed(1)} MB, ${await heapOf(run.gateway.url)} (${r.requests} requests, ${r.failed} failed, p99 ${r.p99.toFixed(1)} ms, load ${load()})`,
    );
  }
  // Growth once warm: the median of the first minute's samples (after start) against the last minute's.
  const perMinute = Math.max(1, Math.round(60 / SAMPLE_SECONDS));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const first = median(samples.slice(1, 1 + perMinute).map((s) => s.rssMb));
  const last = median(samples.slice(-perMinute).map((s) => s.rssMb));
  const cpuMs = usageOf(pid).cpuMs - cpu0;
  console.log(
    `memory run: ${minutes} min at ${RATE} req/s, ${requests} requests (${failed} failed), ${(cpuMs / Math.max(1, requests + failed)).toFixed(3)} ms CPU per request; RSS at start ${samples[0]?.rssMb.toFixed(1)} MB, first minute ${first.toFixed(1)} MB, last minute ${last.toFixed(1)} MB: ${(last - first >= 0 ? '+' : '') + (last - first).toFixed(1)} MB`,
  );
}

/** The gateway's JS heap in use and its external memory, from its /metrics. */
async function heapOf(url: string): Promise<string> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const mb = (name: string) => {
      const v = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1];
      return v === undefined ? '?' : (Number(v) / 2 ** 20).toFixed(1);
    };
    return `heap ${mb('nodejs_heap_used_bytes')} MB, external ${mb('nodejs_external_memory_bytes')} MB`;
  } catch {
    return 'heap ?';
  }
}

type Usage = ReturnType<typeof usageOf>;
/** CPU spent by a process over runs, and the requests it served in them. */
interface CpuTally {
  ms: number;
  userMs: number;
  sysMs: number;
  mainMs: number;
  n: number;
}
const cpuTally = (): CpuTally => ({ ms: 0, userMs: 0, sysMs: 0, mainMs: 0, n: 0 });

/** Adds one run (usage before and after, requests served) to `t`; returns the run's CPU ms. */
function tally(t: CpuTally, before: Usage, after: Usage, requests: number): number {
  t.ms += after.cpuMs - before.cpuMs;
  t.userMs += after.userMs - before.userMs;
  t.sysMs += after.sysMs - before.sysMs;
  t.mainMs += after.mainMs - before.mainMs;
  t.n += requests;
  return after.cpuMs - before.cpuMs;
}

/** CPU per request, whole process, with its user / kernel split and the event-loop thread's share. */
function perRequestCpu(t: CpuTally): string {
  const per = (ms: number) => (ms / Math.max(1, t.n)).toFixed(3);
  return `${per(t.ms)} ms CPU per request (user ${per(t.userMs)}, kernel ${per(t.sysMs)}; event-loop thread ${per(t.mainMs)})`;
}

const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;

function fmt(r?: LoadResult): string {
  if (!r) return '–';
  return `${r.rps.toFixed(0)} (${r.p50.toFixed(1)} / ${r.p99.toFixed(1)})`;
}

function printTable(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}

/** Every answer the mock gave through the gateway: exactly one record, with the tokens the mock reported. */
async function meteringCheck(path: string, sent: Map<string, number>): Promise<void> {
  const store = await openStore(path);
  const rows = await store.query(
    `SELECT dedup_key, count(*) AS n,
       sum(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens) AS tokens
     FROM usage WHERE source = 'gateway' GROUP BY dedup_key`,
  );
  await store.close();
  const stored = new Map(
    rows.map((r) => [String(r.dedup_key), { n: Number(r.n), tokens: Number(r.tokens) }]),
  );
  let missing = 0;
  let twice = 0;
  let wrong = 0;
  let sentTokens = 0;
  let recordedTokens = 0;
  for (const [id, tokens] of sent) {
    const s = stored.get(id);
    sentTokens += tokens;
    if (!s) missing += 1;
    else {
      recordedTokens += s.tokens;
      if (s.n > 1) twice += 1;
      if (s.tokens !== tokens * s.n || s.n > 1) wrong += 1;
    }
  }
  console.log(
    `metering check: ${sent.size} answers through the gateway, ${stored.size} records; ${missing} missing, ${twice} stored twice, ${wrong} with other token counts; tokens sent ${sentTokens}, recorded ${recordedTokens} → ${missing + twice + wrong === 0 && sentTokens === recordedTokens ? 'OK' : 'MISMATCH'}`,
  );
}
