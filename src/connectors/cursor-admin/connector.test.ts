import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock } from '../../../test/support/fake-clock.js';
import { memoryDb, sourceConfig, storedSpend } from '../../../test/support/apis.js';
import { killAndResume } from '../../../test/support/kill-resume.js';
import { ReplayServer } from '../../../test/support/replay-server.js';
import { emptyDirectory, type OrgDirectory } from '../../domain/directory.js';
import { MileageError } from '../../domain/errors.js';
import { usd } from '../../domain/money.js';
import { finishIngest } from '../../ingest/finish.js';
import { PriceBook } from '../../pricing/price-book.js';
import { runSync } from '../sync/runner.js';
import { createCursorAdminConnector } from './connector.js';

const KEY = 'key_replayCursorAdmin000000001';
const NOW = Date.parse('2026-07-08T12:00:00Z');
const ms = (iso: string) => Date.parse(iso);

const members = {
  teamMembers: [
    { id: 1, name: 'Ana', email: 'ana@example.com', role: 'member', isRemoved: false },
    { id: 2, name: 'Bo', email: 'bo@example.com', role: 'member', isRemoved: true },
    { id: 3, name: 'Owner', email: 'owner@example.com', role: 'free-owner', isRemoved: false },
    { id: 4, name: 'Nobody' },
  ],
};
const spendPages = [
  {
    teamMemberSpend: [
      {
        spendCents: 1234,
        fastPremiumRequests: 3,
        name: 'Ana',
        email: 'ana@example.com',
        role: 'member',
        hardLimitOverrideDollars: 0,
      },
    ],
    subscriptionCycleStart: ms('2026-07-01T00:00:00Z'),
    totalMembers: 2,
    totalPages: 2,
  },
  {
    teamMemberSpend: [
      {
        spendCents: 0,
        fastPremiumRequests: 0,
        name: 'Bo',
        email: 'bo@example.com',
        role: 'member',
        hardLimitOverrideDollars: 0,
      },
    ],
    subscriptionCycleStart: ms('2026-07-01T00:00:00Z'),
    totalMembers: 2,
    totalPages: 2,
  },
];
// Usage events (reference §6.4): timestamps are epoch ms as strings; one is malformed.
const event = (i: number, kind: string, cents: number | null) => ({
  timestamp: String(ms('2026-07-02T09:00:00Z') + i * 3_600_000),
  model: i % 2 ? 'claude-4.5-sonnet' : 'gpt-5',
  kind,
  maxMode: false,
  requestsCosts: 1,
  isTokenBasedCall: cents !== null,
  ...(cents !== null
    ? {
        tokenUsage: {
          inputTokens: 100 * i,
          outputTokens: 10 * i,
          cacheWriteTokens: 0,
          cacheReadTokens: 1000,
          totalCents: cents,
        },
      }
    : {}),
  isFreeBugbot: false,
  userEmail: 'ana@example.com',
});
const events = [
  event(1, 'Included in Business', 2.5),
  event(2, 'Usage-based', 12.4551),
  event(3, 'Included in Business', null),
  { ...event(4, 'Usage-based', 1), timestamp: 'yesterday' },
  event(5, 'USAGE_EVENT_KIND_INCLUDED_IN_BUSINESS', 7.25),
  event(6, 'Usage-based', 0.75),
  event(7, 'Included in Business', 3),
];
const daily = [
  {
    date: ms('2026-06-03T00:00:00Z'),
    isActive: true,
    email: 'ana@example.com',
    chatRequests: 2,
    composerRequests: 1,
    agentRequests: 0,
    cmdkUsages: 0,
  },
  {
    date: ms('2026-07-02T00:00:00Z'),
    isActive: true,
    email: 'ana@example.com',
    chatRequests: 5,
    composerRequests: 0,
    agentRequests: 4,
    cmdkUsages: 1,
  },
  { date: ms('2026-07-02T00:00:00Z'), isActive: false, email: 'bo@example.com', chatRequests: 0 },
];

let server: ReplayServer;
beforeAll(async () => {
  server = await ReplayServer.start();
  server.route('GET', '/teams/members', () => ({ json: members }));
  server.route('POST', '/teams/spend', (req) => ({
    json: spendPages[Number((req.json as { page: number }).page) - 1],
  }));
  server.route('POST', '/teams/filtered-usage-events', (req) => {
    const b = req.json as { startDate: number; endDate: number; page: number; pageSize: number };
    const inWindow = events.filter(
      (e) =>
        !/^\d+$/.test(e.timestamp) || (Number(e.timestamp) >= b.startDate && Number(e.timestamp) < b.endDate),
    );
    const items = inWindow.slice((b.page - 1) * b.pageSize, b.page * b.pageSize);
    const numPages = Math.ceil(inWindow.length / b.pageSize);
    return {
      json: {
        totalUsageEventsCount: inWindow.length,
        pagination: {
          numPages,
          currentPage: b.page,
          pageSize: b.pageSize,
          hasNextPage: b.page < numPages,
          hasPreviousPage: b.page > 1,
        },
        usageEvents: items,
        period: { startDate: b.startDate, endDate: b.endDate },
      },
    };
  });
  server.route('POST', '/teams/daily-usage-data', (req) => {
    const b = req.json as { startDate: number; endDate: number };
    return { json: { data: daily.filter((d) => d.date >= b.startDate && d.date < b.endDate), period: b } };
  });
});
afterAll(() => server.close());

function make(clock = fakeClock(), extra: Record<string, unknown> = {}) {
  const r = createCursorAdminConnector(
    sourceConfig('cursor', {
      token_env: 'CURSOR_ADMIN_KEY',
      base_url: server.url,
      since: '2026-06-01',
      page_size: 3,
      seat_price: 40,
      seat_plan: 'business',
      ...extra,
    }),
    { env: { CURSOR_ADMIN_KEY: KEY }, now: () => NOW, clock, org: 'acme' },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

function directory(): OrgDirectory {
  return {
    ...emptyDirectory(),
    org: 'acme',
    people: [
      { id: 'ana', name: 'Ana', team: null, aliases: [{ kind: 'email', value: 'ana@example.com' }] },
      { id: 'bo', name: 'Bo', team: null, aliases: [{ kind: 'email', value: 'bo@example.com' }] },
    ],
    // mileage.yaml also declares a Cursor seat for Ana at another price: the vendor's seat replaces it.
    seats: [
      {
        tool: 'cursor',
        plan: null,
        monthlyPrice: usd(20),
        assignees: ['ana', 'bo'],
        from: null,
        until: null,
      },
    ],
  };
}

const goodEvents = events.filter((e) => /^\d+$/.test(e.timestamp));

describe('Cursor Admin connector', () => {
  it('syncs members → seats, usage events page by page and daily activity; Basic auth with the key as user', async () => {
    const db = await memoryDb();
    const mark = server.requests.length;
    const s = await runSync(db, make());
    const seen = server.requests.slice(mark);
    expect(seen[0]?.headers.authorization).toBe(`Basic ${Buffer.from(`${KEY}:`).toString('base64')}`);
    expect(seen.map((r) => r.path)).toEqual([
      '/teams/members',
      '/teams/spend',
      '/teams/spend',
      '/teams/filtered-usage-events',
      '/teams/filtered-usage-events',
      '/teams/filtered-usage-events',
      '/teams/daily-usage-data',
      '/teams/daily-usage-data',
    ]);
    expect(seen.filter((r) => r.path === '/teams/daily-usage-data').map((r) => r.json)).toEqual([
      { startDate: ms('2026-06-01T00:00:00Z'), endDate: ms('2026-07-01T00:00:00Z') },
      { startDate: ms('2026-07-01T00:00:00Z'), endDate: NOW },
    ]);
    expect(s.problems.map((p) => p.field)).toEqual(['teamMembers[3].email', 'usageEvents[0].timestamp']);

    const seats = await db.query(
      'SELECT actor_hint, plan, period_start, period_end, CAST(monthly_price AS DOUBLE) AS price, basis, CAST(cycle_spend AS VARCHAR) AS spend FROM seat_records ORDER BY actor_hint',
    );
    expect(seats).toEqual([
      {
        actor_hint: 'a••@example.com',
        plan: 'business',
        period_start: '2026-07-01',
        period_end: null,
        price: 40,
        basis: 'billed',
        spend: '12.3400000000',
      },
      {
        actor_hint: 'b••@example.com',
        plan: 'business',
        period_start: '2026-07-01',
        period_end: '2026-07-08',
        price: 40,
        basis: 'billed',
        spend: '0.0000000000',
      },
    ]);
    const usage = await db.query(
      `SELECT stream, count(*) AS n, CAST(sum(cost) AS VARCHAR) AS cost, min(cost_basis) AS basis FROM usage GROUP BY stream ORDER BY stream NULLS FIRST`,
    );
    const cents = (pred: (k: string) => boolean) =>
      goodEvents
        .filter((e) => pred(e.kind) && e.tokenUsage)
        .reduce((d, e) => d.plus(new Decimal(e.tokenUsage?.totalCents ?? 0).div(100)), new Decimal(0));
    expect(usage).toEqual([
      {
        stream: null,
        n: goodEvents.filter((e) => /included/i.test(e.kind)).length,
        cost: cents((k) => /included/i.test(k)).toFixed(10),
        basis: 'list_estimate',
      },
      {
        stream: 'cursor:acme',
        n: goodEvents.filter((e) => !/included/i.test(e.kind)).length,
        cost: cents((k) => !/included/i.test(k)).toFixed(10),
        basis: 'provider_reported',
      },
    ]);
    expect(await db.query('SELECT day, interactions FROM seat_activity ORDER BY day')).toEqual([
      { day: '2026-06-03', interactions: 3 },
      { day: '2026-07-02', interactions: 10 },
    ]);
  });

  it('the vendor seat replaces the mileage.yaml seat; its month is charged once, and included usage allocates it', async () => {
    const db = await memoryDb();
    await db.loadDirectory(directory());
    await runSync(db, make());
    await finishIngest(db, new PriceBook([]));
    const july = await db.query(
      `SELECT stream, CAST(sum(cost) AS VARCHAR) AS cost FROM ledger WHERE stream LIKE 'seat:%' AND day >= DATE '2026-07-01' GROUP BY stream ORDER BY stream`,
    );
    const bo = usd(40).div(31).toDecimalPlaces(10, Decimal.ROUND_HALF_EVEN).times(7);
    expect(july).toEqual([
      { stream: 'seat:cursor:ana', cost: '40.0000000000' },
      { stream: 'seat:cursor:bo', cost: bo.toFixed(10) },
    ]);
    // Ana's included requests are detail of her seat: they carry its charge, not their own cents.
    const detail = await db.query(
      `SELECT count(*) AS n FROM ledger WHERE stream = 'seat:cursor:ana' AND source = 'cursor-usage-events'`,
    );
    expect(detail[0]?.n).toBe(goodEvents.filter((e) => /included/i.test(e.kind)).length);
  });

  it('without seat_price the seat takes the mileage.yaml price; with neither it stays unpriced', async () => {
    const db = await memoryDb();
    await db.loadDirectory(directory());
    await runSync(db, make(fakeClock(), { seat_price: undefined }));
    await finishIngest(db, new PriceBook([]));
    const ana = await db.query(
      `SELECT CAST(sum(cost) AS VARCHAR) AS cost FROM ledger WHERE stream = 'seat:cursor:ana' AND day >= DATE '2026-07-01'`,
    );
    expect(ana).toEqual([{ cost: '20.0000000000' }]);
    await db.loadDirectory({ ...directory(), seats: [] });
    await db.refreshLedger();
    // July: 31 seat days, on one of which (07-02) Ana's included requests are the seat's detail.
    const unpriced = await db.query(
      `SELECT count(DISTINCT day) AS days, count(cost) AS priced, bool_and(unpriced) AS unpriced FROM ledger WHERE stream = 'seat:cursor:ana'`,
    );
    expect(unpriced).toEqual([{ days: 31, priced: 0, unpriced: true }]);
  });

  it('429 Retry-After and 5xx are retried; a malformed body stops it and the resumed run completes', async () => {
    const full = await memoryDb();
    await runSync(full, make());
    server.script(
      'POST',
      '/teams/filtered-usage-events',
      { status: 429, headers: { 'retry-after': '20' } },
      { status: 503 },
    );
    const clock = fakeClock();
    const db = await memoryDb();
    const s = await runSync(db, make(clock));
    expect(clock.waits[0]).toBe(20_000);
    expect(s.retries).toBe(2);
    expect(await storedSpend(db)).toEqual(await storedSpend(full));

    const broken = await memoryDb();
    server.script('POST', '/teams/daily-usage-data', { text: '<html>502 Bad Gateway</html>' });
    const error = await runSync(broken, make()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MileageError);
    expect((error as Error).message).toContain('/teams/daily-usage-data: the response is not valid JSON');
    await runSync(broken, make());
    expect(await storedSpend(broken)).toEqual(await storedSpend(full));
  });

  it('a re-sync over the same window stores nothing twice', async () => {
    const db = await memoryDb();
    await runSync(db, make());
    const before = await storedSpend(db);
    const again = await runSync(db, make(), { since: new Date('2026-05-20T00:00:00Z') });
    expect(again.alreadyStored).toBe(again.records);
    expect(await storedSpend(db)).toEqual(before);
  });

  it.each([1, 3, 5])(
    'killed after page %i and resumed: the same facts as an uninterrupted sync',
    async (k) => {
      const r = await killAndResume(() => make(), k, storedSpend);
      expect(r.partial.length).toBeLessThan(r.expected.length);
      expect(r.after).toEqual(r.expected);
      expect(r.metaText).not.toContain(KEY);
    },
  );
});
