import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryDb } from '../../../test/support/apis.js';
import { claudeCodeLogSource, parseClaudeCodeChunk } from '../../sources/spend/claude-code/parse.js';
import { ingestAgentLogs } from './ingest.js';

/**
 * Claude Code subagents (issue 18 item 10): a subagent's requests are in its own file and copied into the
 * parent transcript as agent_progress lines. With the file they count once; without it, the copies are
 * read. Bulk reader (DuckDB) and exact parser must agree. Fixture: test/fixtures/claude-code/agent-progress.
 */
const SESSION = '4f7e2a10-0000-4000-8000-00000000c0de';
const FIXTURE = new URL('../../../test/fixtures/claude-code/agent-progress', import.meta.url);
const root = mkdtempSync(join(tmpdir(), 'mileage-agent-progress-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function project(name: string, options: { subagentFile: boolean; dropRequestIds?: boolean }): string {
  const dir = join(root, name);
  cpSync(FIXTURE, dir, { recursive: true });
  rmSync(join(dir, 'README.md'));
  if (!options.subagentFile) rmSync(join(dir, SESSION), { recursive: true });
  if (options.dropRequestIds) {
    const file = join(dir, `${SESSION}.jsonl`);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/,"requestId":"req_011[^"]+"/g, ''));
  }
  return dir;
}

interface Totals {
  requests: number;
  input: number;
  cache_read: number;
  cache_write: number;
  output: number;
}

async function counted(dir: string, exactOnly: boolean) {
  const db = await memoryDb();
  const summary = await ingestAgentLogs(db, claudeCodeLogSource, [dir], { exactOnly });
  const [totals] = await db.query<Totals & Record<string, number>>(
    `SELECT count(*)::INTEGER AS requests, sum(input_tokens)::INTEGER AS input,
       sum(cache_read_tokens)::INTEGER AS cache_read, sum(cache_write_tokens)::INTEGER AS cache_write,
       sum(output_tokens)::INTEGER AS output
     FROM usage WHERE counted`,
  );
  const rows = await db.query('SELECT * EXCLUDE (day) FROM usage ORDER BY id');
  await db.close();
  return { summary, totals, rows };
}

// The session's own two responses plus the subagent's two (its second response's final copy: output 3).
const TRUTH: Totals = {
  requests: 4,
  input: 4 + 3 + 5 + 2,
  cache_read: 40_000 + 11_074 + 11_927 + 41_200,
  cache_write: 1_200 + 853 + 2_246 + 600,
  output: 310 + 3 + 2 + 95,
};

describe('Claude Code subagent requests copied into the parent transcript (agent_progress)', () => {
  it.each([
    ['the subagent file present: each request once', { subagentFile: true }],
    ['the subagent file missing: the copies are read', { subagentFile: false }],
    [
      'copies without request ids beside the subagent file: still once',
      { subagentFile: true, dropRequestIds: true },
    ],
  ])('%s, bulk reader and exact parser alike', async (name, options) => {
    const dir = project(name.replace(/\W+/g, '-'), options);
    const bulk = await counted(dir, false);
    const exact = await counted(dir, true);
    expect(bulk.totals).toEqual(TRUTH);
    expect(exact.totals).toEqual(TRUTH);
    expect(bulk.rows).toEqual(exact.rows);
    expect(bulk.summary.problems).toEqual([]);
    expect(bulk.summary.bulk).toBe(bulk.summary.files); // no file needed the exact parser
  });

  it('reads a copy as the subagent line: its own usage and request id, the progress line’s session and cwd, a replica', () => {
    const text = readFileSync(new URL(`${FIXTURE.href}/${SESSION}.jsonl`), 'utf8');
    const { records, problems } = parseClaudeCodeChunk({ file: 'p.jsonl', text, firstLine: 1 });
    expect(problems).toEqual([]);
    const copy = records.find((r) => r.dedupKey === 'req_011CYFLSCrvXoyk6b7CoB2Pv');
    expect(copy).toMatchObject({
      model: 'claude-haiku-4-5-20251001',
      tokens: { input: 3, cacheRead: 11_074, cacheWrite: 853, output: 3 },
      collapse: { key: 'msg_sub_0001', replica: true },
      hints: { sessionId: SESSION, cwd: '/home/ana/src/dnd', branch: 'master', toolVersion: '2.1.42' },
      start: new Date('2026-02-18T09:57:24.100Z'),
      end: new Date('2026-02-18T09:57:25.200Z'),
    });
  });

  it('reports a bad copied usage under the copy’s field, and the bulk reader sends that file to the exact parser', async () => {
    const dir = project('bad-copy', { subagentFile: false });
    const file = join(dir, `${SESSION}.jsonl`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('"input_tokens":5,', '"input_tokens":"5",'));
    const { summary, totals } = await counted(dir, false);
    expect(summary.bulk).toBe(0);
    expect(summary.problems).toEqual([
      {
        file,
        line: 6,
        field: 'data.message.message.usage.input_tokens',
        message: 'Invalid input: expected number, received string',
      },
    ]);
    expect(totals?.requests).toBe(3);
  });
});
