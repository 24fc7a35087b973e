import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/open.js';
import { drive } from './load.js';
import { CLI, ROOT, started, stopped } from './processes.js';

/**
 * Issue 21's kill -9 bar: under load (50 connections, the four shapes mixed), `mileage gateway` is killed
 * with SIGKILL 1.5–3.5 s in, restarted on the same store and spool (it ships what the spool holds), and
 * stopped. Every answer a client received in full (status 200, read to its end) must have exactly one usage
 * record, found by the provider request id it carried; no request may have two. GATEWAY_KILL_RUNS (default 10).
 */
const RUNS = Number(process.env.GATEWAY_KILL_RUNS ?? 10);

const messages = [{ role: 'user', content: 'hi' }];
const SHAPES = [
  { path: '/v1/chat/completions', body: { model: 'gpt-5-mini', messages }, anthropic: false },
  { path: '/v1/chat/completions', body: { model: 'gpt-5-mini', messages, stream: true }, anthropic: false },
  { path: '/v1/messages', body: { model: 'claude-sonnet-4-6', max_tokens: 9, messages }, anthropic: true },
  {
    path: '/v1/messages',
    body: { model: 'claude-sonnet-4-6', max_tokens: 9, messages, stream: true },
    anthropic: true,
  },
].map((s) => ({ ...s, text: JSON.stringify(s.body) }));

/** Whether an answer is whole: a JSON body that parses, or a stream that reached its last event. */
function whole(body: string): boolean {
  if (body.startsWith('{')) {
    try {
      JSON.parse(body);
      return true;
    } catch {
      return false;
    }
  }
  return body.includes('data: [DONE]') || body.includes('event: message_stop');
}

export async function benchGatewayKill(): Promise<void> {
  const mock = await started(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/mock-llm-main.ts')]);
  const env = {
    ANTHROPIC_API_KEY: 'sk-ant-kill',
    OPENAI_API_KEY: 'sk-kill',
    MILEAGE_GATEWAY_ANTHROPIC_URL: mock.line,
    MILEAGE_GATEWAY_OPENAI_URL: `${mock.line}/v1`,
  };
  let bad = 0;
  try {
    for (let run = 1; run <= RUNS; run++) {
      const dir = await mkdtemp(join(tmpdir(), 'mileage-gw-kill-'));
      const db = join(dir, 'store.duckdb');
      const { key } = JSON.parse(
        execFileSync(process.execPath, [CLI, 'keys', 'create', '--db', db, '--team', 'kill', '--json'], {
          encoding: 'utf8',
        }),
      ) as { key: string };
      const args = [CLI, 'gateway', '--db', db, '--port', '0'];
      const gw = await started(process.execPath, args, env);
      const received = new Set<string>();
      const killAt = 1500 + Math.random() * 2000;
      const killer = setTimeout(() => gw.child.kill('SIGKILL'), killAt);
      const load = await drive({
        base: gw.line,
        connections: 50,
        seconds: killAt / 1000 + 0.5,
        request: (i) => {
          const s = SHAPES[i % SHAPES.length]!;
          const auth: Record<string, string> = s.anthropic
            ? { 'x-api-key': key }
            : { authorization: `Bearer ${key}` };
          return { path: s.path, headers: { 'content-type': 'application/json', ...auth }, body: s.text };
        },
        onAnswer: (headers, body) => {
          const id = headers['request-id'] ?? headers['x-request-id'];
          if (typeof id === 'string' && whole(body.toString('utf8'))) received.add(id);
        },
      });
      clearTimeout(killer);
      if (gw.child.exitCode === null && gw.child.signalCode === null)
        await new Promise((r) => gw.child.once('exit', r));
      if (process.env.GATEWAY_KILL_DEBUG) {
        const { readdirSync, statSync } = await import('node:fs');
        const spool = `${db}.gateway-spool`;
        console.log(
          'spool after kill:',
          readdirSync(spool)
            .map((f) => `${f}:${statSync(join(spool, f)).size}`)
            .join(' '),
        );
      }
      // The restart ships what the spool holds; SIGTERM then stores what is queued.
      const again = await started(process.execPath, args, env);
      await stopped(again.child, 'SIGTERM');
      const store = await openStore(db);
      const rows = await store.query(
        `SELECT dedup_key, count(*) AS n FROM usage WHERE source = 'gateway' GROUP BY dedup_key`,
      );
      await store.close();
      const stored = new Map(rows.map((r) => [String(r.dedup_key), Number(r.n)]));
      const missing = [...received].filter((id) => !stored.has(id)).length;
      const twice = [...stored.values()].filter((n) => n > 1).length;
      if (missing > 0 || twice > 0) {
        bad += 1;
        console.log(`the restart said: ${again.stderr()}`);
      }
      console.log(
        `run ${String(run).padStart(2)}: killed at ${(killAt / 1000).toFixed(1)} s, ${load.requests} answers received in full, ${stored.size} records; ${missing} received without a record, ${twice} stored twice`,
      );
      if (process.env.GATEWAY_KILL_DEBUG && missing > 0) {
        const ids = [...received].filter((id) => !stored.has(id)).sort();
        console.log('missing e.g.', ids.slice(0, 5), 'dir', dir);
        continue;
      }
      await rm(dir, { recursive: true, force: true });
    }
  } finally {
    await stopped(mock.child);
  }
  console.log(`${RUNS - bad} of ${RUNS} runs: every answer received in full has exactly one record`);
}
