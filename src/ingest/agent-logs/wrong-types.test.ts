import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claudeCodeLogSource } from '../../sources/spend/claude-code/parse.js';
import { openStore } from '../../store/open.js';
import { ingestAgentLogs } from './ingest.js';

/**
 * The bulk reader sees every value as JSON text, so a field of the wrong type (a count written as a string,
 * a session id as a number) must not pass where the exact parser, the definition, rejects the line. Each
 * variant sits in a file of its own beside a good request, and bulk and exact must end with the same rows
 * and report the same lines.
 */
const root = mkdtempSync(join(tmpdir(), 'mileage-wrong-types-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Line = Record<string, unknown> & { message: Record<string, unknown> & { usage: unknown } };

function good(id: string): Line {
  return {
    type: 'assistant',
    sessionId: 'sess-1',
    cwd: '/home/dev/src/app',
    gitBranch: 'main',
    version: '2.1.0',
    isSidechain: false,
    requestId: `req_${id}`,
    timestamp: '2026-09-01T10:00:00.000Z',
    message: {
      id: `msg_${id}`,
      model: 'claude-sonnet-4-5-20250929',
      usage: {
        input_tokens: 10,
        cache_read_input_tokens: 20,
        cache_creation_input_tokens: 30,
        cache_creation: { ephemeral_5m_input_tokens: 30, ephemeral_1h_input_tokens: 0 },
        output_tokens: 40,
      },
    },
  };
}

const usage = (l: Line) => l.message.usage as Record<string, unknown>;
const fileOf = (variant: string) => `${variant.replaceAll(' ', '-')}.jsonl`;
const VARIANTS: Record<string, (l: Line) => void> = {
  'input count as a string': (l) => (usage(l).input_tokens = '10'),
  'output count as a string': (l) => (usage(l).output_tokens = '40'),
  'cache read count as a boolean': (l) => (usage(l).cache_read_input_tokens = true),
  'cache write split as a number': (l) => (usage(l).cache_creation = 5),
  'cache write split count as a string': (l) =>
    (usage(l).cache_creation = { ephemeral_5m_input_tokens: '30', ephemeral_1h_input_tokens: 0 }),
  'fractional count': (l) => (usage(l).output_tokens = 40.5),
  'usage as a number': (l) => (l.message.usage = 7),
  'usage as null': (l) => (l.message.usage = null),
  'session id as a number': (l) => (l.sessionId = 12),
  'request id as a number': (l) => (l.requestId = 12),
  'message id as a number': (l) => (l.message.id = 12),
  'model as an object': (l) => (l.message.model = { name: 'claude' }),
  'cwd as a number': (l) => (l.cwd = 3),
  'branch as a boolean': (l) => (l.gitBranch = true),
  'version as a number': (l) => (l.version = 2.1),
  'sidechain flag as a string': (l) => (l.isSidechain = 'true'),
  'cost as a string': (l) => (l.costUSD = '0.5'),
  'timestamp as a number': (l) => (l.timestamp = 1767225600000),
  'timestamp at hour 24': (l) => (l.timestamp = '2026-09-01T24:00:00.000Z'),
  'timestamp offset without its colon': (l) => (l.timestamp = '2026-09-01T10:00:00.000+0200'),
  'timestamp on a day that does not exist': (l) => (l.timestamp = '2026-02-29T10:00:00.000Z'),
};

describe('fields of the wrong type or shape', () => {
  it('are reported and skipped the same way by the bulk reader and the exact parser', async () => {
    const dir = join(root, 'projects', '-home-dev-src-app');
    mkdirSync(dir, { recursive: true });
    Object.entries(VARIANTS).forEach(([name, damage], i) => {
      const bad = good(`bad${i}`);
      damage(bad);
      const lines = [good(`ok${i}`), bad].map((l) => JSON.stringify(l));
      writeFileSync(join(dir, fileOf(name)), `${lines.join('\n')}\n`);
    });
    // A file of good lines with escapes in its strings and microseconds in its time: still read in bulk, to
    // the same values (JavaScript's Date keeps milliseconds).
    const escaped = good('esc');
    escaped.cwd = 'C:\\Users\\dev\\src\\"app"';
    escaped.gitBranch = 'feat/ünïcode-\u00e9';
    escaped.timestamp = '2026-09-01T10:00:00.123999+02:00';
    writeFileSync(join(dir, 'escaped.jsonl'), `${JSON.stringify(escaped)}\n`);

    const rows = async (exactOnly: boolean) => {
      const db = await openStore(join(root, `${exactOnly ? 'exact' : 'bulk'}.duckdb`));
      try {
        const summary = await ingestAgentLogs(db, claudeCodeLogSource, [join(root, 'projects')], {
          exactOnly,
        });
        const stored = await db.query(
          `SELECT * EXCLUDE (day) FROM usage WHERE source = 'claude-code-logs' ORDER BY id`,
        );
        return { summary, stored };
      } finally {
        await db.close();
      }
    };
    const exact = await rows(true);
    const bulk = await rows(false);
    // The definition: every variant is a problem, and only the good lines count.
    expect(exact.summary.problems.map((p) => p.file.split('/').pop()).sort()).toEqual(
      Object.keys(VARIANTS).map(fileOf).sort(),
    );
    expect(exact.stored).toHaveLength(Object.keys(VARIANTS).length + 1);
    const passed = bulk.stored.filter((r) => String(r.dedup_key).startsWith('req_bad'));
    expect(passed.map((r) => Object.keys(VARIANTS)[Number(String(r.dedup_key).slice(7))])).toEqual([]);
    expect(bulk.stored).toEqual(exact.stored);
    expect(bulk.summary.problems).toEqual(exact.summary.problems);
    expect(bulk.summary.bulk).toBe(1); // only the escaped file stays in bulk
    const esc = bulk.stored.find((r) => r.dedup_key === 'req_esc');
    expect(esc).toMatchObject({
      cwd: 'C:\\Users\\dev\\src\\"app"',
      branch: 'feat/ünïcode-é',
      start_at: '2026-09-01T08:00:00.123Z',
    });
  });
});
