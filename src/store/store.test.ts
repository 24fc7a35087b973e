import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyDirectory, type OrgDirectory } from '../domain/directory.js';
import { recordId } from '../domain/ids.js';
import { usd } from '../domain/money.js';
import type { UsageRecord, CostBasis, Granularity } from '../domain/usage.js';
import { openStore } from './open.js';

function rec(p: {
  source: string;
  key: string;
  stream?: string | null;
  at?: string;
  granularity?: Granularity;
  cost?: string | null;
  basis?: CostBasis;
  actor?: string;
  keyId?: string;
  tokens?: number;
  model?: string;
  tool?: string;
}): UsageRecord {
  const at = new Date(p.at ?? '2026-07-02T12:00:00Z');
  return {
    id: recordId(p.source, p.key),
    source: p.source,
    stream: p.stream === undefined ? 'anthropic:acme' : p.stream,
    granularity: p.granularity ?? 'request',
    start: at,
    end: at,
    tool: p.tool ?? 'claude-code',
    provider: 'anthropic',
    model: p.model ?? 'claude-sonnet-4-6',
    tokens: { input: p.tokens ?? 100, cacheRead: 0, cacheWrite: 0, output: 10, reasoning: 0 },
    requests: 1,
    cost: {
      amount: p.cost === null || p.cost === undefined ? null : usd(p.cost),
      basis: p.basis ?? 'list_estimate',
      priceRef: p.cost ? 'test' : null,
    },
    hints: { actor: p.actor, keyId: p.keyId },
  };
}

async function ledgerTotal(db: Awaited<ReturnType<typeof openStore>>): Promise<string> {
  await db.refreshLedger();
  const [row] = await db.query('SELECT CAST(sum(cost) AS VARCHAR) AS total FROM ledger');
  return String(row?.total);
}

describe('DuckDB store', () => {
  it('appends idempotently: the same records twice change no total', async () => {
    const db = await openStore(':memory:');
    const batch = [
      rec({ source: 'logs', key: 'a', cost: '1.10' }),
      rec({ source: 'logs', key: 'b', cost: '2.20' }),
    ];
    const first = await db.appendUsage(batch);
    expect(first).toEqual({ written: 2, alreadyStored: 0 });
    const total1 = await ledgerTotal(db);
    const second = await db.appendUsage(batch);
    expect(second.alreadyStored).toBe(2);
    expect(await ledgerTotal(db)).toBe(total1);
    expect(total1).toBe('3.3000000000');
    await db.close();
  });

  it('counts a billed day once and allocates it to finer records by their estimated share', async () => {
    const db = await openStore(':memory:');
    await db.appendUsage([
      rec({ source: 'cost-report', key: 'd1', granularity: 'day', cost: '90', basis: 'billed', tokens: 0 }),
      rec({ source: 'usage-report', key: 'u1', granularity: 'day', cost: '100', keyId: 'k1' }),
      rec({ source: 'logs', key: 'l1', cost: '60', actor: 'ana@acme.com' }),
      rec({ source: 'logs', key: 'l2', cost: '20', actor: 'ana@acme.com' }),
    ]);
    await db.refreshLedger();
    const rows = await db.query(
      "SELECT source, entry, CAST(cost AS VARCHAR) AS cost FROM ledger WHERE stream = 'anthropic:acme' ORDER BY cost DESC, entry",
    );
    // 90 billed; logs cover 80 of the 100 estimated: they get 72, the remaining 18 is carried by the report.
    expect(rows).toEqual([
      { source: 'logs', entry: 'detail', cost: '54.0000000000' },
      { source: 'logs', entry: 'detail', cost: '18.0000000000' },
      { source: 'usage-report', entry: 'remainder', cost: '18.0000000000' },
    ]);
    expect(await ledgerTotal(db)).toBe('90.0000000000');
    await db.close();
  });

  it('lets usage under a seat allocate the seat price, never adding API-priced dollars', async () => {
    const db = await openStore(':memory:');
    await db.appendUsage([
      rec({
        source: 'cursor',
        key: 'c1',
        stream: null,
        tool: 'cursor',
        cost: '3',
        basis: 'provider_reported',
        actor: 'ana@acme.com',
        at: '2026-06-10T12:00:00Z',
      }),
      rec({
        source: 'cursor',
        key: 'c2',
        stream: null,
        tool: 'cursor',
        cost: '1',
        basis: 'provider_reported',
        actor: 'ana@acme.com',
        at: '2026-06-10T13:00:00Z',
      }),
    ]);
    await db.loadDirectory({
      ...emptyDirectory(),
      people: [{ id: 'ana', name: 'Ana', team: null, aliases: [{ kind: 'email', value: 'ana@acme.com' }] }],
      seats: [
        {
          tool: 'cursor',
          plan: null,
          monthlyPrice: usd('30'),
          assignees: ['ana'],
          from: '2026-06-01',
          until: '2026-07-01',
        },
      ],
    });
    await db.refreshLedger();
    const day = await db.query(
      "SELECT source, CAST(cost AS VARCHAR) AS cost FROM ledger WHERE stream = 'seat:cursor:ana' AND day = DATE '2026-06-10' ORDER BY cost DESC",
    );
    // The seat costs $1 a day; the two requests split it 3:1 instead of adding their own $4.
    expect(day).toEqual([
      { source: 'cursor', cost: '0.7500000000' },
      { source: 'cursor', cost: '0.2500000000' },
    ]);
    const [month] = await db.query(
      "SELECT CAST(sum(cost) AS VARCHAR) AS total FROM ledger WHERE stream = 'seat:cursor:ana'",
    );
    expect(month?.total).toBe('30.0000000000');
    await db.close();
  });

  it('gives the unattributed remainder to the reference rows of people whose detail is missing', async () => {
    const db = await openStore(':memory:');
    await db.appendUsage([
      rec({
        source: 'cost-report',
        key: 'bill',
        granularity: 'day',
        cost: '200',
        basis: 'billed',
        tokens: 0,
      }),
      rec({ source: 'usage-report', key: 'ka', granularity: 'day', cost: '100', keyId: 'key-ana' }),
      rec({ source: 'usage-report', key: 'kb', granularity: 'day', cost: '100', keyId: 'key-bo' }),
      rec({ source: 'logs', key: 'l1', cost: '100', actor: 'ana@acme.com' }),
    ]);
    await db.loadDirectory({
      ...emptyDirectory(),
      people: [
        {
          id: 'ana',
          name: 'Ana',
          team: null,
          aliases: [
            { kind: 'email', value: 'ana@acme.com' },
            { kind: 'key_id', value: 'key-ana' },
          ],
        },
        { id: 'bo', name: 'Bo', team: null, aliases: [{ kind: 'key_id', value: 'key-bo' }] },
      ],
    });
    await db.refreshLedger();
    const rows = await db.query(
      'SELECT person_id, entry, CAST(sum(cost) AS VARCHAR) AS cost FROM ledger GROUP BY ALL ORDER BY person_id, entry',
    );
    // Ana's logs explain her half; Bo has no logs, so the remainder goes to his key's row, not to Ana's.
    expect(rows).toEqual([
      { person_id: 'ana', entry: 'detail', cost: '100.0000000000' },
      { person_id: 'bo', entry: 'remainder', cost: '100.0000000000' },
    ]);
    await db.close();
  });

  it('keeps an unpriced record with its tokens and never counts it as $0', async () => {
    const db = await openStore(':memory:');
    await db.appendUsage([rec({ source: 'csv', key: 'x', model: 'acme-ft', tokens: 5000 })]);
    await db.refreshLedger();
    const [row] = await db.query('SELECT cost, unpriced, input_tokens FROM ledger');
    expect(row).toEqual({ cost: null, unpriced: true, input_tokens: 5000 });
    expect(await db.unpricedModels()).toEqual([
      {
        provider: 'anthropic',
        model: 'acme-ft',
        records: 1,
        input: 5000,
        cacheRead: 0,
        cacheWrite: 0,
        output: 10,
      },
    ]);
    await db.close();
  });

  it('resolves identity at query time and days in the org time zone', async () => {
    const db = await openStore(':memory:');
    await db.appendUsage([
      rec({
        source: 'logs',
        key: 'a',
        cost: '1',
        actor: 'Ana@Acme.com',
        at: '2026-07-02T02:00:00Z',
        stream: null,
      }),
    ]);
    const dir: OrgDirectory = {
      ...emptyDirectory(),
      timeZone: 'America/New_York',
      teams: [{ id: 'pay', name: 'Payments', loadedCostPerEngineer: null }],
      people: [{ id: 'ana', name: 'Ana', team: 'pay', aliases: [{ kind: 'email', value: 'ana@acme.com' }] }],
      accounts: [{ tool: 'claude-code', stream: 'anthropic:acme:cc' }],
    };
    await db.loadDirectory(dir);
    const [row] = await db.query(
      'SELECT person_id, team_id, stream_resolved, CAST(day AS VARCHAR) AS day FROM usage_identity',
    );
    expect(row).toEqual({
      person_id: 'ana',
      team_id: 'pay',
      stream_resolved: 'anthropic:acme:cc',
      day: '2026-07-01',
    });
    const [raw] = await db.query('SELECT actor_hash, actor_hint FROM usage');
    expect(String(raw?.actor_hash)).toMatch(/^h:[0-9a-f]{24}$/);
    expect(raw?.actor_hint).toBe('A••@Acme.com');
    await db.close();
  });

  it('loads a directory where one person lists the same value under two alias kinds', async () => {
    const db = await openStore(':memory:');
    await db.loadDirectory({
      ...emptyDirectory(),
      people: [
        {
          id: 'ana',
          name: 'Ana',
          team: null,
          aliases: [
            { kind: 'login', value: 'ana' },
            { kind: 'git_name', value: 'ana' },
          ],
        },
      ],
    });
    expect(await db.query('SELECT person_id FROM dir_aliases')).toEqual([{ person_id: 'ana' }]);
    await db.close();
  });

  it('spreads a seat price over the days of the month exactly', async () => {
    const db = await openStore(':memory:');
    await db.appendUsage([
      rec({ source: 'logs', key: 'a', cost: '1', at: '2026-06-01T12:00:00Z' }),
      rec({ source: 'logs', key: 'b', cost: '1', at: '2026-06-30T12:00:00Z' }),
    ]);
    await db.loadDirectory({
      ...emptyDirectory(),
      people: [{ id: 'bo', name: 'Bo', team: null, aliases: [] }],
      seats: [
        { tool: 'copilot', plan: null, monthlyPrice: usd('19'), assignees: ['bo'], from: null, until: null },
      ],
    });
    await db.refreshLedger();
    const [row] = await db.query(
      "SELECT CAST(sum(cost) AS VARCHAR) AS s, count(*) AS n FROM ledger WHERE stream = 'seat:copilot:bo'",
    );
    expect(row).toEqual({ s: '19.0000000000', n: 30 });
    await db.close();
  });

  it('rebuilds a ledger of another version when the store is opened, from the stored records', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mileage-store-'));
    try {
      const path = join(dir, 'old.duckdb');
      let db = await openStore(path);
      await db.appendUsage([
        rec({ source: 'logs', key: 'a', cost: '1.10' }),
        rec({ source: 'logs', key: 'b', cost: '2.20' }),
      ]);
      await db.refreshLedger();
      // What an older Mileage leaves behind: no rollup, and a ledger version it never wrote.
      await db.query('DROP TABLE ledger_daily');
      await db.setMeta('ledger_version', '1');
      await db.close();
      db = await openStore(path);
      const [row] = await db.query('SELECT CAST(sum(cost) AS VARCHAR) AS total FROM ledger_daily');
      expect(row?.total).toBe('3.3000000000');
      expect(await db.getMeta('ledger_version')).not.toBe('1');
      await db.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
