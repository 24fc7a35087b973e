import { describe, expect, it } from 'vitest';
import { recordId } from '../../domain/ids.js';
import type { UsageRecord } from '../../domain/usage.js';
import { pricingPass } from '../../ingest/pricing-pass.js';
import { PriceBook } from '../../pricing/price-book.js';
import { openStore } from '../open.js';

const record = (key: string, at = '2026-07-02T09:14:05Z'): UsageRecord => ({
  id: recordId('t', key),
  source: 't',
  stream: 's',
  granularity: 'request',
  start: new Date(at),
  end: new Date(at),
  tool: 'claude-code',
  provider: 'anthropic',
  model: 'claude-sonnet-4-6',
  tokens: { input: 4, cacheRead: 45211, cacheWrite: 1820, output: 412, reasoning: 0 },
  requests: 1,
  cost: { amount: null, basis: 'list_estimate', priceRef: null },
  hints: {},
});

describe('stored rows out of bounds', () => {
  it('are quarantined, so pricing, the ledger and later ingests keep working', async () => {
    const db = await openStore(':memory:');
    await db.appendUsage([record('good')]);
    // Rows as an older Mileage stored them, before every path checked bounds.
    await db.query(
      `INSERT INTO usage SELECT * REPLACE ('bad-tokens' AS id, CAST(9000000000000000000 AS BIGINT) AS input_tokens, NULL AS est_cost) FROM usage WHERE id = '${recordId('t', 'good')}'`,
    );
    await db.query(
      `INSERT INTO usage SELECT * REPLACE ('bad-time' AS id, TIMESTAMPTZ '9999-12-31 00:00:00+00' AS start_at, TIMESTAMPTZ '9999-12-31 00:00:00+00' AS end_at, DATE '9999-12-31' AS day) FROM usage WHERE id = '${recordId('t', 'good')}'`,
    );
    // Without the quarantine, this statement overflowed DECIMAL(18,10) and failed every later run.
    const priced = await pricingPass(db, new PriceBook([]));
    expect(priced.priced).toBeGreaterThan(0);
    await db.refreshLedger();
    const [span] = await db.query('SELECT CAST(max(day) AS VARCHAR) AS last, count(*) AS n FROM ledger');
    expect(span?.last).toBe('2026-07-02');
    const quarantined = await db.query('SELECT id, reason FROM quarantine ORDER BY id');
    expect(quarantined).toEqual([
      { id: 'bad-time', reason: 'start outside the accepted range' },
      { id: 'bad-tokens', reason: 'input_tokens out of bounds' },
    ]);
    // A later good ingest and report still work.
    await db.appendUsage([record('later', '2026-07-03T10:00:00Z')]);
    await pricingPass(db, new PriceBook([]));
    await db.refreshLedger();
    const [n] = await db.query('SELECT count(*) AS n FROM ledger WHERE cost IS NOT NULL');
    expect(Number(n?.n)).toBe(2);
    await db.close();
  });
});
