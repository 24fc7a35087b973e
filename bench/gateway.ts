import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { openStore } from '../src/store/open.js';
import { drive, driveRate, type LoadResult } from './load.js';
import { CLI, portkeyEntry, ROOT, started, stopped, usageOf } from './processes.js';

/**
 * Issue 21's bar: Mileage's gateway beside Portkey's (`@portkey-ai/gateway` 1.15.2) and a direct call, on the
 * same local mock provider answering at once (its own process, bench/mock-llm-main.ts), 50 connections, the
 * four shapes (OpenAI chat and Anthropic messages, streamed and not). Prints requests/s, p50/p99, the
 * ratios, the gateway's CPU per request and memory, and the metering check: for every answer the mock gave
 * through Mileage's gateway, one record whose tokens equal what the mock reported.
 *
 * GATEWAY_BENCH_SECONDS (default 20) per case and target; GATEWAY_BENCH_CONNECTIONS (default 50);
 * GATEWAY_BENCH_MODE `store` (default: the gateway owns the store, so its CPU includes storing the records)
 * or `server` (the gateway ships to a `mileage serve` that owns the store, as deployed: its CPU is the proxy's).
 * GATEWAY_BENCH_MEMORY_MINUTES=N runs the memory bar instead (issue 21: memory flat over a 10-minute run):
 * the gateway alone at a fixed GATEWAY_BENCH_RATE (default 200) requests/s, the four shapes in turn, for N
 * minutes, its RSS sampled every 30 s; prints the samples, the growth from the first minute to the last, and
 * the metering check.
 */
const MODE = process.env.GATEWAY_BENCH_MODE === 'server' ? 'server' : 'store';
const SECONDS = Number(process.env.GATEWAY_BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.GATEWAY_BENCH_CONNECTIONS ?? 50);
const MEMORY_MINUTES = Number(process.env.GATEWAY_BENCH_MEMORY_MINUTES ?? 0);
const RATE = Number(process.env.GATEWAY_BENCH_RATE ?? 200);
/** RSS is sampled at the end of each slice of this many seconds. */
const SAMPLE_SECONDS = 30;

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

export async function benchGateway(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mileage-gw-bench-'));
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
  const gateway = await started(process.execPath, [CLI, 'gateway', ...link.args, '--port', '0'], {
    ANTHROPIC_API_KEY: 'sk-ant-bench',
    OPENAI_API_KEY: 'sk-bench',
    MILEAGE_GATEWAY_ANTHROPIC_URL: mockUrl,
    MILEAGE_GATEWAY_OPENAI_URL: `${mockUrl}/v1`,
    ...link.env,
  });
  // The memory run measures the gateway alone.
  const portkey =
    MEMORY_MINUTES > 0
      ? null
      : await started(process.execPath, [portkeyEntry(), '--port=18787'], {}, /Ready for connections/);
  const portkeyUrl = 'http://127.0.0.1:18787';
  const targets = {
    direct: (_c: Case) => ({ base: mockUrl, headers: { ...common, authorization: 'Bearer sk-direct' } }),
    portkey: (c: Case) => ({
      base: portkeyUrl,
      headers: {
        ...common,
        'x-portkey-provider': c.provider,
        'x-portkey-custom-host': `${mockUrl}/v1`,
        authorization: 'Bearer sk-bench',
        'x-api-key': 'sk-ant-bench',
      },
    }),
    mileage: (c: Case) => ({
      base: gateway.line,
      headers: {
        ...common,
        ...(c.provider === 'anthropic' ? { 'x-api-key': made.key } : { authorization: `Bearer ${made.key}` }),
      },
    }),
  };
  const sent = new Map<string, number>();
  if (MEMORY_MINUTES > 0) {
    try {
      await memoryRun(gateway.child.pid ?? 0, (c) => targets.mileage(c), mockUrl, sent);
    } finally {
      if (portkey) await stopped(portkey.child);
      await stopped(mock.child);
      await stopped(gateway.child);
      if (serve) await stopped(serve.child);
    }
    await meteringCheck(db, sent);
    await rm(dir, { recursive: true, force: true });
    return;
  }
  const rows: string[][] = [];
  let mileageRequests = 0;
  const gwPid = gateway.child.pid ?? 0;
  const before = usageOf(gwPid);
  let cpuMs = 0;
  let fixedLine = '';
  try {
    for (const c of CASES) {
      const results = {} as Record<keyof typeof targets, LoadResult>;
      for (const name of ['direct', 'portkey', 'mileage'] as const) {
        const t = targets[name](c);
        if (name === 'mileage') await fetch(`${mockUrl}/__sent`, { method: 'DELETE' });
        const cpu0 = usageOf(gwPid).cpuMs;
        const body = JSON.stringify(c.body);
        results[name] = await drive({
          base: t.base,
          connections: CONNECTIONS,
          seconds: SECONDS,
          request: () => ({ path: c.path, headers: t.headers, body }),
        });
        if (name === 'mileage') {
          cpuMs += usageOf(gwPid).cpuMs - cpu0;
          mileageRequests += results.mileage.requests + results.mileage.failed;
          const got = (await (await fetch(`${mockUrl}/__sent`)).json()) as Record<string, number>;
          for (const [id, n] of Object.entries(got)) sent.set(id, n);
        }
      }
      const { direct, portkey: pk, mileage } = results;
      rows.push([
        c.name,
        fmt(direct),
        fmt(pk),
        fmt(mileage),
        `${(mileage.rps / pk.rps).toFixed(1)}x`,
        `${(mileage.p99 - direct.p99).toFixed(1)} ms`,
        String(direct.failed + pk.failed + mileage.failed),
      ]);
    }
    // The latency bar: at a fixed 200 requests/s (open loop), what the gateway adds over the direct call.
    const fixed = CASES[2] as Case;
    const at200 = {} as Record<'direct' | 'mileage', LoadResult>;
    for (const name of ['direct', 'mileage'] as const) {
      const t = targets[name](fixed);
      const body = JSON.stringify(fixed.body);
      if (name === 'mileage') await fetch(`${mockUrl}/__sent`, { method: 'DELETE' });
      at200[name] = await driveRate({
        base: t.base,
        rate: 200,
        seconds: Math.min(SECONDS, 10),
        request: () => ({ path: fixed.path, headers: t.headers, body }),
      });
    }
    const got = (await (await fetch(`${mockUrl}/__sent`)).json()) as Record<string, number>;
    for (const [id, n] of Object.entries(got)) sent.set(id, n);
    const { direct: d200, mileage: m200 } = at200;
    fixedLine = `at 200 req/s (${fixed.name}, open loop): direct p50 ${d200.p50.toFixed(1)} / p99 ${d200.p99.toFixed(1)} ms, mileage p50 ${m200.p50.toFixed(1)} / p99 ${m200.p99.toFixed(1)} ms: +${(m200.p99 - d200.p99).toFixed(1)} ms at p99 (${d200.failed + m200.failed} failed)`;
  } finally {
    if (portkey) await stopped(portkey.child);
    await stopped(mock.child);
  }
  const after = usageOf(gwPid);
  await stopped(gateway.child);
  if (serve) await stopped(serve.child);
  console.log(
    `${CONNECTIONS} connections, ${SECONDS} s per case and target, the gateway ${MODE === 'server' ? 'shipping to mileage serve' : 'owning the store'}; requests/s (p50 / p99 ms)`,
  );
  printTable(
    ['case', 'direct', 'portkey 1.15.2', 'mileage', 'mileage ÷ portkey', 'p99 over direct', 'failed'],
    rows,
  );
  console.log(
    `mileage gateway: ${(cpuMs / Math.max(1, mileageRequests)).toFixed(3)} ms CPU per request, RSS ${before.rssMb.toFixed(0)} → ${after.rssMb.toFixed(0)} MB`,
  );
  console.log(fixedLine);
  await meteringCheck(db, sent);
  await rm(dir, { recursive: true, force: true });
}

/** The memory bar: a fixed rate through the gateway for MEMORY_MINUTES, RSS sampled every SAMPLE_SECONDS. */
async function memoryRun(
  pid: number,
  target: (c: Case) => { base: string; headers: Record<string, string> },
  mockUrl: string,
  sent: Map<string, number>,
): Promise<void> {
  const slices = Math.max(1, Math.round((MEMORY_MINUTES * 60) / SAMPLE_SECONDS));
  const samples: { at: number; rssMb: number }[] = [{ at: 0, rssMb: usageOf(pid).rssMb }];
  let n = 0;
  let failed = 0;
  let requests = 0;
  const t0 = performance.now();
  for (let i = 0; i < slices; i++) {
    await fetch(`${mockUrl}/__sent`, { method: 'DELETE' });
    const r = await driveRate({
      base: target(CASES[0] as Case).base,
      rate: RATE,
      seconds: SAMPLE_SECONDS,
      request: () => {
        const c = CASES[n++ % CASES.length] as Case;
        return { path: c.path, headers: target(c).headers, body: JSON.stringify(c.body) };
      },
    });
    requests += r.requests;
    failed += r.failed;
    const got = (await (await fetch(`${mockUrl}/__sent`)).json()) as Record<string, number>;
    for (const [id, tokens] of Object.entries(got)) sent.set(id, tokens);
    samples.push({ at: (performance.now() - t0) / 1000, rssMb: usageOf(pid).rssMb });
    console.log(
      `${samples.at(-1)?.at.toFixed(0)} s: RSS ${samples.at(-1)?.rssMb.toFixed(1)} MB (${r.requests} requests, p99 ${r.p99.toFixed(1)} ms)`,
    );
  }
  // Growth once warm: the median of the first minute's samples (after start) against the last minute's.
  const perMinute = Math.max(1, Math.round(60 / SAMPLE_SECONDS));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const first = median(samples.slice(1, 1 + perMinute).map((s) => s.rssMb));
  const last = median(samples.slice(-perMinute).map((s) => s.rssMb));
  console.log(
    `memory run: ${MEMORY_MINUTES} min at ${RATE} req/s, ${requests} requests (${failed} failed); RSS at start ${samples[0]?.rssMb.toFixed(1)} MB, first minute ${first.toFixed(1)} MB, last minute ${last.toFixed(1)} MB: ${(last - first >= 0 ? '+' : '') + (last - first).toFixed(1)} MB`,
  );
}

function fmt(r: LoadResult): string {
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
