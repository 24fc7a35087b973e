import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordId } from '../../src/domain/ids.js';
import { usd } from '../../src/domain/money.js';
import type { UsageRecord } from '../../src/domain/usage.js';
import { bundleRecordId, loadBundleBytes } from '../../src/ingest/agent-logs/bundle.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { bundleHeader, bundleRequest } from '../support/bundles.js';

/**
 * Issue 19 item 2: a bundle (what an ingest token uploads) chose its records' `id` and `source`, and a crafted
 * one replaced two billed cost-report rows ($438.76 and $436.51) with $0.01 ones. Now the server derives every
 * stored id from an agent-log source and the request's key in the bundle; nothing in a bundle replaces a
 * billed record.
 */
function billed(n: number, amount: string): UsageRecord {
  return {
    id: recordId('anthropic-admin', 'cost', '2026-10-01', `line-${n}`),
    source: 'anthropic-admin',
    stream: 'anthropic:org_acme',
    granularity: 'day',
    start: new Date('2026-10-01T00:00:00Z'),
    end: new Date('2026-10-02T00:00:00Z'),
    tool: null,
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    tokens: { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 },
    requests: 0,
    cost: { amount: usd(amount), basis: 'billed', priceRef: 'anthropic-cost-report' },
    hints: {},
  };
}
const BILLED = [billed(1, '438.76'), billed(2, '436.51')];

/** A bundle line forging a stored record: `id` and `source` of the crafted client's choosing, $0.01. */
function forged(target: UsageRecord, source: string): string {
  const line = JSON.parse(bundleRequest(2)) as Record<string, unknown>;
  return JSON.stringify({ ...line, id: target.id, source, start_at: '2026-10-01T10:00:00.000Z' });
}

let db: Db;
beforeEach(async () => {
  db = await openStore(':memory:');
  await db.appendUsage(BILLED);
});
afterEach(async () => {
  await db.close();
});

async function billedRows(): Promise<Record<string, unknown>[]> {
  return db.query(
    "SELECT id, source, CAST(cost AS VARCHAR) AS cost, cost_basis FROM usage WHERE source = 'anthropic-admin' ORDER BY cost DESC",
  );
}
const EXPECTED = BILLED.map((r) => ({
  id: r.id,
  source: 'anthropic-admin',
  cost: r.cost.amount?.toFixed(10),
  cost_basis: 'billed',
}));

describe('a bundle cannot replace a stored record', () => {
  it('refuses, line by line, a request naming a source a bundle may not write', async () => {
    const text = [bundleHeader(3), ...BILLED.map((r) => forged(r, 'anthropic-admin')), bundleRequest(3)];
    const result = await loadBundleBytes(db, Buffer.from(text.join('\n') + '\n'), 'crafted.jsonl');
    expect(result.problems.map((p) => [p.line, p.field])).toEqual([
      [2, 'source'],
      [3, 'source'],
    ]);
    expect(result.problems[0]?.message).toContain('a bundle writes agent-log sources only');
    expect(result.written).toBe(1);
    expect(await billedRows()).toEqual(EXPECTED);
  });

  it('stores an agent-log request carrying a billed record’s id under an id of its own', async () => {
    const text = [bundleHeader(2), ...BILLED.map((r) => forged(r, 'claude-code-logs'))];
    const result = await loadBundleBytes(db, Buffer.from(text.join('\n') + '\n'), 'crafted.jsonl');
    expect(result.problems).toEqual([]);
    expect(result.written).toBe(2);
    expect(result.alreadyStored).toBe(0);
    expect(await billedRows()).toEqual(EXPECTED);
    const agent = await db.query("SELECT id FROM usage WHERE source = 'claude-code-logs' ORDER BY id");
    expect(agent.map((r) => r.id)).toEqual(
      BILLED.map((r) => bundleRecordId('claude-code-logs', r.id)).sort(),
    );
  });

  it('still merges the same bundle loaded twice into the same requests', async () => {
    const text = Buffer.from([bundleHeader(2), bundleRequest(1), bundleRequest(2)].join('\n') + '\n');
    const first = await loadBundleBytes(db, text, 'a.jsonl');
    const again = await loadBundleBytes(db, text, 'a.jsonl');
    expect([first.written, again.written, again.alreadyStored]).toEqual([2, 0, 2]);
    const [n] = await db.query("SELECT count(*) AS n FROM usage WHERE source = 'claude-code-logs'");
    expect(Number(n?.n)).toBe(2);
  });
});
