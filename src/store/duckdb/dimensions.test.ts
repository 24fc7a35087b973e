import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordId } from '../../domain/ids.js';
import type { UsageRecord } from '../../domain/usage.js';
import type { Db } from '../db.js';
import { openStore } from '../open.js';
import { MIGRATIONS } from './schema.js';

/**
 * Migration 8 on a store written before it (migrations 1–7, as the released Mileage left it): existing rows
 * keep their counts, gain the dimensions their counts already imply, and the history whose source reported a
 * dimension that was not kept is listed as needing a re-ingest.
 */
const OLD_ROWS: [string, string, number][] = [
  // source, id key, cache_write_tokens
  ['claude-code-logs', 'with-writes', 1820],
  ['claude-code-logs', 'no-writes', 0],
  ['anthropic-usage-report', 'day', 402118],
  ['openai-usage-completions', 'day', 0],
  ['codex-logs', 'turn', 0],
  ['litellm', 'row', 500],
];

async function writeOldStore(path: string): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  await conn.run(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)',
  );
  for (const m of MIGRATIONS.filter((x) => x.version <= 7)) {
    await conn.run(m.sql);
    await conn.run(`INSERT INTO schema_migrations VALUES (${m.version}, 'old', now())`);
  }
  for (const [source, key, cacheWrite] of OLD_ROWS) {
    await conn.run(`INSERT INTO usage (id, source, granularity, start_at, end_at, day, provider, model,
      input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, requests, cost_basis)
      VALUES ('${recordId(source, key)}', '${source}', 'request', '2026-07-02T10:00:00Z', '2026-07-02T10:00:00Z',
        '2026-07-02', 'anthropic', 'claude-sonnet-4-6', 10, 100, ${cacheWrite}, 20, 0, 1, 'list_estimate')`);
  }
  await conn.run(`INSERT INTO log_files VALUES ('/home/a/.claude/projects/p/s.jsonl', 'claude-code-logs', 10, 1, 'i', 10, 1, 'h', NULL, 0),
    ('/home/a/.codex/sessions/rollout-1.jsonl', 'codex-logs', 10, 1, 'i', 10, 1, 'h', NULL, 0)`);
  conn.closeSync();
  instance.closeSync();
}

describe('migration 8: billed dimensions on a store written before them', () => {
  let dir: string;
  let db: Db;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mileage-dims-'));
    const path = join(dir, 'old.duckdb');
    await writeOldStore(path);
    db = await openStore(path);
  });
  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const column = async (source: string, key: string, name: string) => {
    const [row] = await db.query(`SELECT ${name} AS v FROM usage WHERE id = $id`, {
      id: recordId(source, key),
    });
    return row?.v;
  };

  it('keeps every stored count', async () => {
    const [row] = await db.query('SELECT count(*) AS n, sum(cache_write_tokens) AS cw FROM usage');
    expect(Number(row?.n)).toBe(OLD_ROWS.length);
    expect(Number(row?.cw)).toBe(1820 + 402118 + 500);
  });

  it('fills in what the stored counts imply: no cache write is no 1h write; sources without a split have none', async () => {
    expect(Number(await column('claude-code-logs', 'no-writes', 'cache_write_1h_tokens'))).toBe(0);
    expect(Number(await column('litellm', 'row', 'cache_write_1h_tokens'))).toBe(0);
    expect(Number(await column('codex-logs', 'turn', 'audio_input_tokens'))).toBe(0);
    expect(Number(await column('codex-logs', 'turn', 'web_search_requests'))).toBe(0);
  });

  it('leaves unknown (NULL) what the source reported but the store did not keep', async () => {
    expect(await column('claude-code-logs', 'with-writes', 'cache_write_1h_tokens')).toBeNull();
    expect(await column('claude-code-logs', 'no-writes', 'web_search_requests')).toBeNull();
    expect(await column('anthropic-usage-report', 'day', 'cache_write_1h_tokens')).toBeNull();
    expect(await column('openai-usage-completions', 'day', 'audio_input_tokens')).toBeNull();
  });

  it('says plainly which history needs a re-ingest, per source', async () => {
    expect(await db.dimensionGaps()).toEqual([
      {
        source: 'anthropic-usage-report',
        records: 1,
        firstDay: '2026-07-02',
        lastDay: '2026-07-02',
        missing: ['cache write 1h', 'server tools'],
      },
      {
        source: 'claude-code-logs',
        records: 2,
        firstDay: '2026-07-02',
        lastDay: '2026-07-02',
        missing: ['cache write 1h', 'server tools'],
      },
      {
        source: 'openai-usage-completions',
        records: 1,
        firstDay: '2026-07-02',
        lastDay: '2026-07-02',
        missing: ['audio', 'batch', 'service tier'],
      },
    ]);
  });

  it('forgets Claude Code read offsets only, so the next ingest reads those transcripts again', async () => {
    const rows = await db.query('SELECT source FROM log_files ORDER BY source');
    expect(rows.map((r) => r.source)).toEqual(['codex-logs']);
  });

  it('a record written now carries its dimensions, and a re-ingested record closes its gap', async () => {
    const at = new Date('2026-07-02T10:00:00Z');
    const record: UsageRecord = {
      id: recordId('claude-code-logs', 'with-writes'),
      source: 'claude-code-logs',
      stream: null,
      granularity: 'request',
      start: at,
      end: at,
      tool: 'claude-code',
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
      tokens: { input: 10, cacheRead: 100, cacheWrite: 1820, cacheWrite1h: 1000, output: 20, reasoning: 0 },
      serverTools: { webSearch: 2 },
      billing: { serviceTier: 'priority', batch: true, contextTier: 'long', geo: 'us', speed: 'fast' },
      requests: 1,
      cost: { amount: null, basis: 'list_estimate', priceRef: null },
      hints: {},
    };
    await db.appendUsage([record]);
    const [row] = await db.query(
      `SELECT cache_write_1h_tokens, web_search_requests, web_fetch_requests, audio_input_tokens, service_tier, batch,
        context_tier, inference_geo, speed FROM usage WHERE id = $id`,
      { id: record.id },
    );
    expect(row).toEqual({
      cache_write_1h_tokens: 1000,
      web_search_requests: 2,
      web_fetch_requests: 0,
      audio_input_tokens: 0,
      service_tier: 'priority',
      batch: true,
      context_tier: 'long',
      inference_geo: 'us',
      speed: 'fast',
    });
    const gaps = await db.dimensionGaps();
    expect(gaps.find((g) => g.source === 'claude-code-logs')?.records).toBe(1);
  });
});
