import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordId } from '../../src/domain/ids.js';
import { usd } from '../../src/domain/money.js';
import type { UsageRecord } from '../../src/domain/usage.js';
import type { BuiltServer } from '../../src/server/run-server.js';
import { createToken } from '../../src/server/tokens.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { apiOver } from '../support/demo-store.js';

/**
 * Issue 19 item 2, for the usage events endpoint: `/api/v1/ingest/usage?source=NAME` once stored the events
 * under the source the caller named, with the stream and cost basis the caller chose, so an ingest token could
 * write billed rows into a vendor's source and stream (`?source=anthropic-admin`, `stream: anthropic:org_acme`,
 * `cost_basis: billed`, $0.01) and take over the vendor's ledger cell. Now events sent over HTTP are stored in
 * a namespace of their own (`api:NAME`), their ids derived by the server from that source and their content,
 * and an ingest token's billed rows are refused one by one (field cost_basis).
 */
const DAY = '2026-10-01';
const STREAM = 'anthropic:org_acme';

function billed(n: number, amount: string): UsageRecord {
  return {
    id: recordId('anthropic-admin', 'cost', DAY, `line-${n}`),
    source: 'anthropic-admin',
    stream: STREAM,
    granularity: 'day',
    start: new Date(`${DAY}T00:00:00Z`),
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

/** Events crafted to land in the vendor's cell: its source's name, its stream, its day. */
const crafted = (basis: string, i: number) => ({
  timestamp: `${DAY}T10:00:0${i}Z`,
  provider: 'anthropic',
  model: 'claude-sonnet-4-5',
  input_tokens: 5_000_000,
  output_tokens: 900_000,
  cost_usd: '0.01',
  cost_basis: basis,
  stream: STREAM,
  user: 'mallory@example.com',
});

let db: Db;
let server: BuiltServer;
beforeEach(async () => {
  db = await openStore(':memory:');
  await db.appendUsage(BILLED);
  server = apiOver(db, null, { individuals: 'visible', minGroupSize: 1 });
});
afterEach(async () => db.close());

async function post(token: string, body: unknown[]): Promise<Record<string, unknown>> {
  const res = await server.app.request('/api/v1/ingest/usage?source=anthropic-admin', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

const vendorRows = () =>
  db.query(
    "SELECT id, CAST(cost AS VARCHAR) AS cost, cost_basis FROM usage WHERE source = 'anthropic-admin' ORDER BY cost DESC",
  );
const EXPECTED = BILLED.map((r) => ({ id: r.id, cost: r.cost.amount?.toFixed(10), cost_basis: 'billed' }));

async function cellTotal(): Promise<string> {
  await db.refreshLedger();
  const [row] = await db.query(
    `SELECT CAST(sum(cost) AS VARCHAR) AS total FROM ledger WHERE stream = $s AND day = CAST($d AS DATE)`,
    { s: STREAM, d: DAY },
  );
  return String(row?.total);
}

describe('usage events over HTTP cannot replace a billed record', () => {
  it("keeps an ingest token out of the vendor's source, refuses its billed rows, and the bill stands", async () => {
    const ingest = (await createToken(db, { role: 'ingest', teams: null, name: 'laptop' })).token;
    expect(await cellTotal()).toBe('875.2700000000');
    const answer = await post(ingest, [
      crafted('billed', 1),
      crafted('billed', 2),
      crafted('provider_reported', 3),
    ]);
    expect(answer.source).toBe('api:anthropic-admin');
    expect(answer.written).toBe(1);
    const problems = answer.problems as { line: number; field: string; message: string }[];
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [1, 'cost_basis'],
      [2, 'cost_basis'],
    ]);
    expect(problems[0]?.message).toContain('an ingest token cannot send billed records');
    expect(await vendorRows()).toEqual(EXPECTED);
    const [api] = await db.query('SELECT source, cost_basis FROM usage WHERE source <> $s', {
      s: 'anthropic-admin',
    });
    expect(api).toEqual({ source: 'api:anthropic-admin', cost_basis: 'provider_reported' });
    // The cell keeps the bill's total: the crafted row is detail under it, never its authority.
    expect(await cellTotal()).toBe('875.2700000000');
  });

  it("stores an admin's billed rows in the API's namespace too, never in the vendor's source", async () => {
    const admin = (await createToken(db, { role: 'admin', teams: null, name: null })).token;
    const answer = await post(admin, [crafted('billed', 1)]);
    expect([answer.source, answer.written, answer.rejected]).toEqual(['api:anthropic-admin', 1, 0]);
    expect(await vendorRows()).toEqual(EXPECTED);
    // The same events again: the server derived the same ids, nothing new.
    const again = await post(admin, [crafted('billed', 1)]);
    expect([again.written, again.alreadyStored]).toEqual([1, 1]);
    const [n] = await db.query("SELECT count(*) AS n FROM usage WHERE source = 'api:anthropic-admin'");
    expect(Number(n?.n)).toBe(1);
  });

  it('refuses a source name outside letters, digits, . _ -', async () => {
    const ingest = (await createToken(db, { role: 'ingest', teams: null, name: null })).token;
    const res = await server.app.request('/api/v1/ingest/usage?source=api:anthropic-admin', {
      method: 'POST',
      headers: { authorization: `Bearer ${ingest}`, 'content-type': 'application/json' },
      body: JSON.stringify([crafted('provider_reported', 1)]),
    });
    expect(res.status).toBe(400);
  });
});
