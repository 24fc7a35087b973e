import { afterEach, describe, expect, it } from 'vitest';
import { recordId } from '../../domain/ids.js';
import { usd } from '../../domain/money.js';
import type { OutcomeRecord } from '../../domain/outcome.js';
import type { SeatRecord } from '../../domain/seat.js';
import type { UsageRecord } from '../../domain/usage.js';
import type { Db } from '../db.js';
import { openStore } from '../open.js';

/**
 * Issue 19 item 7: every derived range is bounded by the data the ledger uses. Seat days are laid over the
 * months the spend data touches: a seat held since the very edge of the accepted range (2015-01-01), or a
 * merged PR of 2015 read from an old repository's history, must not make the ledger lay out eleven years of
 * seat days for every seat.
 */
const stores: Db[] = [];
afterEach(async () => {
  for (const db of stores.splice(0)) await db.close();
});

const usage = (at: string, key: string): UsageRecord => ({
  id: recordId('corpus', key),
  source: 'corpus',
  stream: null,
  granularity: 'request',
  start: new Date(at),
  end: new Date(at),
  tool: 'copilot',
  provider: 'github',
  model: 'gpt-4.1',
  tokens: { input: 10, cacheRead: 0, cacheWrite: 0, output: 5, reasoning: 0 },
  requests: 1,
  cost: { amount: usd('0.01'), basis: 'billed', priceRef: 'test' },
  hints: { actor: 'bo@example.com' },
});

const seat = (periodStart: string): SeatRecord => ({
  id: recordId('copilot-seats', 'bo'),
  source: 'copilot-seats',
  tool: 'copilot',
  actor: 'bo@example.com',
  plan: 'business',
  periodStart,
  periodEnd: null,
  price: usd('19'),
  basis: 'billed',
  lastActivity: null,
});

const mergedPr = (at: string): OutcomeRecord => ({
  id: recordId('git', 'pr', at),
  source: 'git',
  kind: 'pr_merged',
  at: new Date(at),
  openedAt: null,
  actor: 'bo@example.com',
  repo: 'github.com/acme/old',
  ref: '1',
  headBranch: null,
  linkedTickets: [],
  size: null,
  points: null,
  pointsBasis: null,
  aiAssisted: false,
  aiEvidence: null,
  rework: false,
  reworkReason: null,
  category: 'new_value',
  workType: null,
  workflow: null,
  count: 1,
  value: null,
});

async function seatDays(db: Db): Promise<{ n: number; first: string; last: string }> {
  const [row] = await db.query(
    `SELECT count(*) AS n, CAST(min(day) AS VARCHAR) AS first, CAST(max(day) AS VARCHAR) AS last
     FROM ledger WHERE source = 'directory-seats'`,
  );
  return { n: Number(row?.n), first: String(row?.first), last: String(row?.last) };
}

describe('seat days', () => {
  it('lie over the months of the spend data, however early the seat or an outcome begins', async () => {
    const db = await openStore(':memory:');
    stores.push(db);
    await db.appendUsage([usage('2026-06-03T10:00:00Z', 'a'), usage('2026-06-20T10:00:00Z', 'b')]);
    expect((await db.appendSeats([seat('2015-01-01')])).written).toBe(1);
    expect((await db.appendOutcomes([mergedPr('2015-01-02T10:00:00Z')])).written).toBe(1);
    await db.refreshLedger();
    // June 2026 alone: 30 days of one seat, not the 4,200 days since 2015.
    expect(await seatDays(db)).toEqual({ n: 30, first: '2026-06-01', last: '2026-06-30' });
  });

  it('lie over the months of the outcomes in a store whose only spend is seats, within the accepted range', async () => {
    const db = await openStore(':memory:');
    stores.push(db);
    await db.appendSeats([seat('2015-01-01')]);
    await db.appendOutcomes([mergedPr('2026-03-10T10:00:00Z')]);
    await db.refreshLedger();
    expect(await seatDays(db)).toEqual({ n: 31, first: '2026-03-01', last: '2026-03-31' });
  });
});
