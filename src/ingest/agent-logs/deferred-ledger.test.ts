import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeClaudeCorpus } from '../../../bench/corpus/claude-code.js';
import { PriceBook } from '../../pricing/price-book.js';
import { claudeCodeLogSource } from '../../sources/spend/claude-code/parse.js';
import type { Db } from '../../store/db.js';
import { openStore } from '../../store/open.js';
import { finishIngest } from '../finish.js';
import { ingestAgentLogs } from './ingest.js';

/**
 * `mileage ingest claude-code` leaves the ledger stale rather than recomputing it (nothing in that process
 * reads it); the next command that opens the store recomputes it before reading. Whatever the order, the
 * ledger read is the one an eager ingest builds.
 */
const root = mkdtempSync(join(tmpdir(), 'mileage-deferred-ledger-'));
const corpus = join(root, 'projects');
writeClaudeCorpus(corpus, {
  seed: 3,
  sessions: 20,
  assistantLines: 20 * 30,
  start: '2026-09-01',
  days: 4,
  damageRate: 0.1,
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const ledgerRows = (db: Db) =>
  db.query(
    `SELECT record_id, entry, CAST(cost AS VARCHAR) AS cost, basis, input_tokens, output_tokens FROM ledger ORDER BY record_id, entry`,
  );
const dailyRows = (db: Db) =>
  db.query(
    `SELECT CAST(day AS VARCHAR) AS day, model, CAST(cost AS VARCHAR) AS cost, records FROM ledger_daily ORDER BY ALL`,
  );

async function ingest(path: string, deferLedger: boolean): Promise<void> {
  const db = await openStore(path, { deferLedger });
  try {
    const book = new PriceBook([]);
    await ingestAgentLogs(db, claudeCodeLogSource, [corpus], { prices: book });
    await finishIngest(db, book, { deferLedger });
  } finally {
    await db.close();
  }
}

describe('a deferred ledger', () => {
  it('is recomputed by the next open that reads, to the ledger an eager ingest builds', async () => {
    await ingest(join(root, 'eager.duckdb'), false);
    await ingest(join(root, 'deferred.duckdb'), true);

    // Another deferring ingest leaves it stale: it neither reads nor builds it. A store made by a deferring
    // ingest has no ledger tables at all until a reader opens it.
    const deferring = await openStore(join(root, 'deferred.duckdb'), { deferLedger: true });
    expect(await deferring.getMeta('ledger_stale')).toBe('true');
    const [tables] = await deferring.query(
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_name IN ('ledger', 'ledger_daily')",
    );
    expect(Number(tables?.n)).toBe(0);
    await deferring.close();

    const eager = await openStore(join(root, 'eager.duckdb'));
    const reader = await openStore(join(root, 'deferred.duckdb'));
    try {
      expect(await reader.getMeta('ledger_stale')).toBe('false');
      const expected = await ledgerRows(eager);
      expect(expected.length).toBeGreaterThan(100);
      expect(await ledgerRows(reader)).toEqual(expected);
      expect(await dailyRows(reader)).toEqual(await dailyRows(eager));
    } finally {
      await eager.close();
      await reader.close();
    }
  });
});
