import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeClaudeCorpus, type ClaudeCorpusTruth } from '../../../bench/corpus/claude-code.js';
import { claudeCodeLogSource } from '../../sources/spend/claude-code/parse.js';
import type { Db } from '../../store/db.js';
import { openStore } from '../../store/open.js';
import { ingestAgentLogs } from './ingest.js';

/**
 * The agent-log reader against a generated corpus that carries every trap of reference §1.1 (block lines,
 * resumed-session replays, sidechain replays, proxies without request ids, synthetic lines, costUSD,
 * subagent files, invalid, absurd and truncated lines). Expected totals are the generator's own account
 * of the distinct requests it wrote, not another reader's output.
 */
const root = mkdtempSync(join(tmpdir(), 'mileage-agent-logs-'));
const corpus = join(root, 'corpus');
let truth: ClaudeCorpusTruth;
const stores: Db[] = [];

async function store(name: string, options: Parameters<typeof openStore>[1] = {}): Promise<Db> {
  const db = await openStore(join(root, `${name}.duckdb`), options);
  stores.push(db);
  return db;
}

interface DayTotals {
  day: string;
  input: number;
  cache_read: number;
  cache_write: number;
  output: number;
  requests: number;
}

async function byDay(db: Db): Promise<DayTotals[]> {
  return db.query<DayTotals & Record<string, string | number>>(
    `SELECT CAST(day AS VARCHAR) AS day, sum(input_tokens)::BIGINT AS input, sum(cache_read_tokens)::BIGINT AS cache_read,
       sum(cache_write_tokens)::BIGINT AS cache_write, sum(output_tokens)::BIGINT AS output, count(*)::BIGINT AS requests
     FROM usage_identity WHERE source = 'claude-code-logs' GROUP BY day ORDER BY day`,
  );
}

function truthByDay(t: ClaudeCorpusTruth): DayTotals[] {
  return Object.entries(t.byDay)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, d]) => ({
      day,
      input: d.input,
      cache_read: d.cacheRead,
      cache_write: d.cacheWrite,
      output: d.output,
      requests: d.requests,
    }));
}

async function usageRows(db: Db) {
  return db.query(`SELECT * EXCLUDE (day) FROM usage WHERE source = 'claude-code-logs' ORDER BY id`);
}

beforeAll(() => {
  truth = writeClaudeCorpus(corpus, {
    seed: 11,
    sessions: 120,
    assistantLines: 120 * 60,
    start: '2026-09-01',
    days: 10,
    damageRate: 0.25,
  });
});

afterAll(async () => {
  for (const db of stores) await db.close();
  rmSync(root, { recursive: true, force: true });
});

describe('Claude Code logs, whole corpus', () => {
  it('ends with exactly the distinct requests written, by day and token type, bulk or exact', async () => {
    expect(truth.badLines).toBeGreaterThan(5); // the corpus really is damaged
    const bulk = await store('bulk');
    const summary = await ingestAgentLogs(bulk, claudeCodeLogSource, [corpus]);
    expect(summary.bulk).toBeGreaterThan(0);
    expect(summary.bulk).toBeLessThan(summary.whole); // damaged files went to the exact parser
    expect(await byDay(bulk)).toEqual(truthByDay(truth));

    const exact = await store('exact');
    const exactSummary = await ingestAgentLogs(exact, claudeCodeLogSource, [corpus], { exactOnly: true });
    expect(await usageRows(exact)).toEqual(await usageRows(bulk));
    // Both report the same bad lines; the exact parser alone gives line numbers, and both paths use it.
    expect(summary.problems).toEqual(exactSummary.problems);
    expect(summary.problems.every((p) => p.line !== null && p.line > 0)).toBe(true);
  });

  it('parses each file in small chunks of whole lines to exactly what one piece per file gives', async () => {
    const onePiece = await store('exact-one-piece');
    const one = await ingestAgentLogs(onePiece, claudeCodeLogSource, [corpus], { exactOnly: true });
    // 4 kB of lines at a time: every file in many chunks, responses cut between two of them.
    const small = await store('exact-chunked');
    const chunked = await ingestAgentLogs(small, claudeCodeLogSource, [corpus], {
      exactOnly: true,
      chunkBytes: 4096,
    });
    expect(chunked.problems).toEqual(one.problems);
    expect(await usageRows(small)).toEqual(await usageRows(onePiece));
    expect(await byDay(small)).toEqual(truthByDay(truth));
    const offsets = (db: Db) => db.query('SELECT * FROM log_files ORDER BY path');
    expect(await offsets(small)).toEqual(await offsets(onePiece));
  });

  it('reads a corpus in several parts (one statement each) to exactly what one part gives', async () => {
    const whole = await store('one-part');
    const one = await ingestAgentLogs(whole, claudeCodeLogSource, [corpus]);
    // Parts of about 64 kB: the bulk reader runs once per few files, each part numbering its files from the
    // last one's end, and damaged files in any part still go to the exact parser.
    const cut = await store('parts', { scanPartBytes: 64 * 1024 });
    const parts = await ingestAgentLogs(cut, claudeCodeLogSource, [corpus]);
    expect(parts.bulk).toBe(one.bulk);
    expect(parts.problems).toEqual(one.problems);
    expect(await usageRows(cut)).toEqual(await usageRows(whole));
    expect(await byDay(cut)).toEqual(truthByDay(truth));
  });

  it('runs a statement that outgrows the store memory bound again with a larger bound, to the same rows', async () => {
    const reference = await store('roomy');
    await ingestAgentLogs(reference, claudeCodeLogSource, [corpus]);
    const tight = await store('tight', { boundedMemory: true });
    // Far below what the bulk reader needs: its first statement runs out of memory, and runs again.
    await tight.query("SET memory_limit = '40MiB'");
    await ingestAgentLogs(tight, claudeCodeLogSource, [corpus]);
    expect(await usageRows(tight)).toEqual(await usageRows(reference));
    const [limit] = await tight.query("SELECT value FROM duckdb_settings() WHERE name = 'memory_limit'");
    expect(String(limit?.value)).not.toBe('40.0 MiB');
  });

  it('reports each invalid, absurd, wrongly typed and truncated line with its file and line, and keeps the rest', async () => {
    const db = await store('problems');
    const s = await ingestAgentLogs(db, claudeCodeLogSource, [corpus], { exactOnly: true });
    const messages = s.problems.map((p) => p.message);
    expect(messages.some((m) => m.startsWith('invalid JSON'))).toBe(true);
    expect(messages.some((m) => m.startsWith('absurd token count'))).toBe(true);
    expect(messages.some((m) => m.startsWith('incomplete line'))).toBe(true);
    const wrongType = s.problems.filter((p) => p.field === 'message.usage.input_tokens');
    expect(wrongType.length).toBeGreaterThan(0);
    for (const p of s.problems) {
      const line = readFileSync(p.file, 'utf8').split('\n')[(p.line ?? 0) - 1] ?? '';
      if (p.message.startsWith('absurd')) expect(line).toContain('"output_tokens":50000000');
      if (p.message.startsWith('invalid JSON')) expect(() => JSON.parse(line) as unknown).toThrow();
      if (wrongType.includes(p)) expect(line).toContain('"input_tokens":"4"');
    }
  });

  it('a re-run with nothing new opens no file and changes nothing', async () => {
    const db = await store('rerun');
    await ingestAgentLogs(db, claudeCodeLogSource, [corpus]);
    const before = await usageRows(db);
    const again = await ingestAgentLogs(db, claudeCodeLogSource, [corpus]);
    expect(again.unchanged).toBe(again.files);
    expect(again.records).toBe(0);
    expect(await usageRows(db)).toEqual(before);
  });
});

describe('incremental reading', () => {
  it('split files read in two runs end with the totals of one full read; truncation and rotation are re-read safely', async () => {
    const live = join(root, 'live');
    cpSync(corpus, live, { recursive: true });
    const files = readdirSync(live, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.jsonl'))
      .map((e) => join(e.parentPath, e.name));
    // Cut every file at a byte in its second half, mid-line: a file still being written.
    const rests = new Map<string, string>();
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const cut = Math.floor(text.length * 0.6);
      rests.set(f, text.slice(cut));
      writeFileSync(f, text.slice(0, cut));
    }
    const db = await store('incremental');
    await ingestAgentLogs(db, claudeCodeLogSource, [live]);
    for (const [f, rest] of rests) appendFileSync(f, rest);
    const second = await ingestAgentLogs(db, claudeCodeLogSource, [live]);
    expect(second.appended).toBeGreaterThan(files.length * 0.9);
    expect(await byDay(db)).toEqual(truthByDay(truth));

    // A file truncated and rewritten shorter, and a file replaced by a copy (new inode): re-read, no double count.
    const [a, b] = files;
    if (!a || !b) throw new Error('corpus too small');
    const aText = readFileSync(a, 'utf8');
    writeFileSync(a, aText.slice(0, aText.indexOf('\n') + 1));
    writeFileSync(a, aText);
    const bText = readFileSync(b, 'utf8');
    rmSync(b);
    writeFileSync(b, bText);
    const third = await ingestAgentLogs(db, claudeCodeLogSource, [live]);
    expect(third.whole + third.appended).toBeGreaterThanOrEqual(1);
    expect(await byDay(db)).toEqual(truthByDay(truth));
  });

  it('a sidechain replay read before its original stops counting once the original arrives', async () => {
    const dir = join(root, 'late-original');
    const line = (sidechain: boolean, request: string, output: number) =>
      JSON.stringify({
        type: 'assistant',
        isSidechain: sidechain,
        sessionId: 's1',
        requestId: request,
        timestamp: '2026-09-02T10:00:00.000Z',
        message: {
          id: 'msg_shared',
          model: 'claude-sonnet-4-5-20250929',
          usage: { input_tokens: 3, output_tokens: output },
        },
      }) + '\n';
    const db = await store('late');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'replay.jsonl'), line(true, 'req_replay', 40));
    await ingestAgentLogs(db, claudeCodeLogSource, [dir]);
    expect((await byDay(db))[0]?.output).toBe(40);
    writeFileSync(join(dir, 'original.jsonl'), line(false, 'req_original', 40));
    await ingestAgentLogs(db, claudeCodeLogSource, [dir]);
    expect((await byDay(db))[0]).toMatchObject({ output: 40, requests: 1 });
  });

  it('a request copied into a sidechain and a main transcript is one original; its replay under another request id does not count', async () => {
    const line = (sidechain: boolean, request: string, output: number) =>
      JSON.stringify({
        type: 'assistant',
        isSidechain: sidechain,
        sessionId: 's2',
        requestId: request,
        timestamp: '2026-09-03T10:00:00.000Z',
        message: {
          id: 'msg_copied',
          model: 'claude-sonnet-4-5-20250929',
          usage: { input_tokens: 5, output_tokens: output },
        },
      }) + '\n';
    const sidechain = line(true, 'req_1', 30) + line(true, 'req_2', 30);
    const main = line(false, 'req_1', 30);
    for (const order of ['sidechain first', 'main first', 'one run'] as const) {
      const dir = join(root, `copied-${order.replace(' ', '-')}`);
      mkdirSync(dir, { recursive: true });
      const db = await store(`copied-${order.replace(' ', '-')}`);
      const [first, second] = order === 'main first' ? [main, sidechain] : [sidechain, main];
      writeFileSync(join(dir, 'a.jsonl'), first);
      if (order !== 'one run') await ingestAgentLogs(db, claudeCodeLogSource, [dir]);
      writeFileSync(join(dir, 'b.jsonl'), second);
      await ingestAgentLogs(db, claudeCodeLogSource, [dir]);
      expect((await byDay(db))[0], order).toMatchObject({ output: 30, requests: 1 });
      const [counted] = await db.query(
        "SELECT dedup_key, replica FROM usage WHERE source = 'claude-code-logs' AND counted",
      );
      expect(counted, order).toMatchObject({ dedup_key: 'req_1', replica: false });
    }
  });
});
