import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claudeCodeLogSource } from '../../sources/spend/claude-code/parse.js';
import { openStore } from '../../store/open.js';
import { MAX_LINE_BYTES } from '../../store/duckdb/claude-transcripts.js';
import { MIN_MEMORY_BYTES } from '../../store/duckdb/duckdb-store.js';
import { ingestAgentLogs } from './ingest.js';

/** The bulk reader's bounds: a line longer than it takes, and the memory a one-shot ingest may use. */
const root = mkdtempSync(join(tmpdir(), 'mileage-bulk-limits-'));

afterAll(() => rmSync(root, { recursive: true, force: true }));

const request = (id: string, output: number) =>
  JSON.stringify({
    type: 'assistant',
    sessionId: 'sess-1',
    requestId: `req_${id}`,
    timestamp: '2026-09-01T10:00:00.000Z',
    message: {
      id: `msg_${id}`,
      model: 'claude-sonnet-4-5',
      usage: {
        input_tokens: 10,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
        output_tokens: output,
      },
    },
  });

describe('bulk reader limits', () => {
  it('sends a file with a line longer than the reader takes to the exact parser and keeps all its requests', async () => {
    const dir = join(root, 'projects', '-home-dev-src-app');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.jsonl'), `${request('a', 100)}\n`);
    writeFileSync(join(dir, 'b.jsonl'), `${request('b', 200)}\n`);
    // A pasted image or file in a user line: far over the reader's limit, and no concern of the ledger.
    const huge = JSON.stringify({ type: 'user', message: { content: 'x'.repeat(3 * MAX_LINE_BYTES) } });
    writeFileSync(join(dir, 'c.jsonl'), `${request('c1', 300)}\n${huge}\n${request('c2', 400)}\n`);
    const db = await openStore(join(root, 'limits.duckdb'));
    try {
      const summary = await ingestAgentLogs(db, claudeCodeLogSource, [join(root, 'projects')]);
      expect(summary.problems).toEqual([]);
      expect([summary.whole, summary.bulk]).toEqual([3, 2]);
      const [row] = await db.query('SELECT count(*) AS n, sum(output_tokens) AS output FROM usage');
      expect([Number(row?.n), Number(row?.output)]).toEqual([4, 100 + 200 + 300 + 400]);
    } finally {
      await db.close();
    }
  });

  it('bounds DuckDB’s memory for a one-shot ingest, and only then', async () => {
    const limit = async (boundedMemory: boolean) => {
      const db = await openStore(join(root, `memory-${boundedMemory}.duckdb`), { boundedMemory });
      try {
        const [row] = await db.query("SELECT current_setting('memory_limit') AS v");
        return String(row?.v);
      } finally {
        await db.close();
      }
    };
    // An empty store: the minimum, as DuckDB prints it.
    const bounded = `${(MIN_MEMORY_BYTES / 1024 / 1024).toFixed(1)} MiB`;
    expect(await limit(true)).toBe(bounded);
    expect(await limit(false)).not.toBe(bounded);
  });

  it('sheds memory after the bulk read and merges under the same bound again', async () => {
    const dir = join(root, 'shed', '-home-dev-src-app');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.jsonl'), `${request('a', 100)}\n${request('b', 200)}\n`);
    const db = await openStore(join(root, 'shed.duckdb'), { boundedMemory: true });
    try {
      const summary = await ingestAgentLogs(db, claudeCodeLogSource, [join(root, 'shed')]);
      expect([summary.bulk, summary.records]).toEqual([1, 2]);
      const [row] = await db.query("SELECT current_setting('memory_limit') AS v");
      expect(String(row?.v)).toBe(`${(MIN_MEMORY_BYTES / 1024 / 1024).toFixed(1)} MiB`);
    } finally {
      await db.close();
    }
  });
});
