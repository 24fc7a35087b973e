import { describe, expect, it } from 'vitest';
import { sharedDemoStore } from '../../../test/support/demo-store.js';
import { ledgerRanges } from './ledger.js';

describe('ledgerRanges', () => {
  const days = (counts: number[]) =>
    counts.map((records, i) => ({ day: `2026-07-${String(i + 1).padStart(2, '0')}`, records }));

  it('is one unbounded range while the store fits in one', () => {
    expect(ledgerRanges(days([10, 20, 30]), 100)).toEqual([{ from: null, until: null }]);
    expect(ledgerRanges([], 100)).toEqual([{ from: null, until: null }]);
  });

  it('cuts between days so each range holds about the given records, the first and last unbounded', () => {
    expect(ledgerRanges(days([40, 40, 40, 40, 40]), 100)).toEqual([
      { from: null, until: '2026-07-03' },
      { from: '2026-07-03', until: '2026-07-05' },
      { from: '2026-07-05', until: null },
    ]);
    // A day larger than a range is a range of its own, never split.
    expect(ledgerRanges(days([10, 500, 10]), 100)).toEqual([
      { from: null, until: '2026-07-02' },
      { from: '2026-07-02', until: '2026-07-03' },
      { from: '2026-07-03', until: null },
    ]);
  });
});

/**
 * A cell of the ledger is one stream and day, so building it a range of days at a time must give exactly
 * the entries of the single statement: same records, same amounts to the last decimal, same rollups.
 */
describe('the ledger built in ranges of days', () => {
  const demo = sharedDemoStore(180_000);

  const snapshot = async () => ({
    ledger: await demo().db.query(
      `SELECT record_id, entry, CAST(cost AS VARCHAR) AS cost, basis, person_id, team_id, input_tokens, output_tokens,
         cache_read_tokens, unpriced FROM ledger ORDER BY record_id, entry`,
    ),
    daily: await demo().db.query(
      `SELECT CAST(day AS VARCHAR) AS day, stream, CAST(sum(cost) AS VARCHAR) AS cost, sum(records) AS records
       FROM ledger_daily GROUP BY ALL ORDER BY ALL`,
    ),
    sessions: await demo().db.query(
      'SELECT count(*) AS n, CAST(sum(cost) AS VARCHAR) AS cost, sum(records) AS records FROM ledger_sessions',
    ),
    prs: await demo().db.query(
      'SELECT pr_id, CAST(sum(cost) AS VARCHAR) AS cost FROM ledger_prs GROUP BY 1 ORDER BY 1',
    ),
  });

  it('gives exactly the entries and rollups of the single statement', async () => {
    const [{ n }] = (await demo().db.query('SELECT count(*) AS n FROM usage')) as [{ n: number }];
    const whole = await snapshot();
    expect(whole.ledger.length).toBeGreaterThan(1000);
    // About a dozen ranges over the demo's months.
    await demo().db.refreshLedger({ recordsPerRange: Math.ceil(Number(n) / 12) });
    const ranged = await snapshot();
    expect(ranged.ledger.length).toBe(whole.ledger.length);
    expect(ranged).toEqual(whole);
  }, 120_000);
});
