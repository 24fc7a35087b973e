import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../src/store/open.js';
import { ccusageBinary, timed } from './claude-code.js';

/**
 * `npm run bench -- ccusage-cases`: the hand-made transcripts (two to three lines each) that isolate why
 * ccusage 20.0.24 reports more Claude Code tokens than Mileage on the generated corpus. Each case is read by
 * `ccusage claude daily --offline` and `mileage ingest claude-code`; the tokens of the day are printed side by
 * side as input / cache read / cache write / output.
 */
const CLI = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const T0 = '2026-09-02T10:00:00.000Z';
const T1 = '2026-09-02T10:00:00.700Z';

function line(o: { id: string; req?: string; out: number; at?: string; side?: boolean; session?: string }) {
  return JSON.stringify({
    type: 'assistant',
    isSidechain: o.side ?? false,
    sessionId: o.session ?? 's1',
    cwd: '/home/dev/src/x',
    ...(o.req ? { requestId: o.req } : {}),
    timestamp: o.at ?? T0,
    uuid: `${o.id}-${o.out}-${o.at ?? T0}`,
    message: {
      id: o.id,
      model: 'claude-sonnet-4-5-20250929',
      usage: {
        input_tokens: 10,
        cache_read_input_tokens: 1000,
        cache_creation_input_tokens: 100,
        output_tokens: o.out,
      },
    },
  });
}

const CASES: Record<string, Record<string, string[]>> = {
  'block lines with a request id, 700 ms apart': {
    's1.jsonl': [
      line({ id: 'msg_A', req: 'req_A', out: 8 }),
      line({ id: 'msg_A', req: 'req_A', out: 50, at: T1 }),
    ],
  },
  'proxy (no request id): block lines 700 ms apart': {
    's1.jsonl': [line({ id: 'chatcmpl-1', out: 8 }), line({ id: 'chatcmpl-1', out: 50, at: T1 })],
  },
  'proxy: the same line three times, same instant': {
    's1.jsonl': [1, 2, 3].map(() => line({ id: 'chatcmpl-1', out: 50 })),
  },
  'sidechain replay: same message id, new request id': {
    's1.jsonl': [
      line({ id: 'msg_A', req: 'req_A', out: 50 }),
      line({ id: 'msg_A', req: 'req_B', out: 50, side: true, at: T1 }),
    ],
  },
  'resumed session replaying its parent in another file': {
    's1.jsonl': [line({ id: 'msg_A', req: 'req_A', out: 50 })],
    's2.jsonl': [
      line({ id: 'msg_A', req: 'req_A', out: 50, session: 's2' }),
      line({ id: 'msg_B', req: 'req_B', out: 50, session: 's2' }),
    ],
  },
  'subagent file': {
    's1.jsonl': [line({ id: 'msg_A', req: 'req_A', out: 50 })],
    's1/subagents/agent-1.jsonl': [line({ id: 'msg_B', req: 'req_B', out: 50, side: true })],
  },
};

export async function benchCcusageCases(): Promise<void> {
  const dir = process.env.MILEAGE_BENCH_DIR ?? join(tmpdir(), 'mileage-bench');
  const ccusage = ccusageBinary(dir);
  const work = mkdtempSync(join(tmpdir(), 'mileage-ccusage-cases-'));
  try {
    console.log(`${'case'.padEnd(54)} ${'ccusage'.padEnd(22)} mileage`);
    for (const [i, [name, files]] of Object.entries(CASES).entries()) {
      const root = join(work, String(i));
      for (const [file, lines] of Object.entries(files)) {
        const path = join(root, 'projects', 'p', file);
        mkdirSync(join(path, '..'), { recursive: true });
        writeFileSync(path, lines.join('\n') + '\n');
      }
      const env = { ...process.env, TZ: 'UTC', CLAUDE_CONFIG_DIR: root };
      const peer = timed(ccusage, ['claude', 'daily', '--json', '--offline', '--timezone', 'UTC'], env);
      const d = (JSON.parse(peer.stdout) as { daily: Record<string, number>[] }).daily[0];
      const theirs = d ? [d.inputTokens, d.cacheReadTokens, d.cacheCreationTokens, d.outputTokens] : [];
      const store = join(root, 'm.duckdb');
      const ours = timed(
        process.execPath,
        [CLI, 'ingest', 'claude-code', join(root, 'projects'), '--db', store],
        env,
      );
      if (ours.status !== 0) throw new Error(`mileage failed: ${ours.stderr}`);
      const db = await openStore(store);
      const [r] = await db.query(
        `SELECT sum(input_tokens)::BIGINT AS i, sum(cache_read_tokens)::BIGINT AS cr,
           sum(cache_write_tokens)::BIGINT AS cw, sum(output_tokens)::BIGINT AS o FROM usage_identity`,
      );
      await db.close();
      const mine = r ? [r.i, r.cr, r.cw, r.o].map(Number) : [];
      const same = theirs.join() === mine.join() ? '' : '   ← differs';
      console.log(`${name.padEnd(54)} ${theirs.join(' / ').padEnd(22)} ${mine.join(' / ')}${same}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
