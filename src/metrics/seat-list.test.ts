import { describe, expect, it } from 'vitest';
import { memoryDb } from '../../test/support/apis.js';
import { emptyDirectory, type OrgDirectory } from '../domain/directory.js';
import { recordId } from '../domain/ids.js';
import { sumUsd, usd } from '../domain/money.js';
import type { SeatActivity, SeatRecord } from '../domain/seat.js';
import { seatReport } from './seat-list.js';
import { seatUtilisation } from './seats.js';

const AS_OF = '2026-07-20';

const dir: OrgDirectory = {
  ...emptyDirectory(),
  org: 'acme',
  teams: [{ id: 'core', name: 'Core', loadedCostPerEngineer: null }],
  people: [
    { id: 'ana', name: 'Ana', team: 'core', aliases: [{ kind: 'login', value: 'ana-gh' }] },
    { id: 'bo', name: 'Bo', team: 'core', aliases: [{ kind: 'login', value: 'bo-gh' }] },
    { id: 'cy', name: 'Cy', team: null, aliases: [{ kind: 'email', value: 'cy@acme.com' }] },
  ],
  // A Claude plan declared in mileage.yaml (no vendor lists it), and a Copilot seat for Bo that the vendor's replaces.
  seats: [
    { tool: 'claude-code', plan: 'max', monthlyPrice: usd(100), assignees: ['cy'], from: null, until: null },
    { tool: 'copilot', plan: null, monthlyPrice: usd(10), assignees: ['bo'], from: null, until: null },
  ],
};

const seat = (
  actor: string,
  price: number | null,
  last: string | null,
  start = '2026-01-01',
): SeatRecord => ({
  id: recordId('copilot-seats', actor),
  source: 'copilot-seats',
  tool: 'copilot',
  actor,
  plan: 'business',
  periodStart: start,
  periodEnd: null,
  price: price === null ? null : usd(price),
  basis: 'billed',
  lastActivity: last ? new Date(last) : null,
});
const activity = (tool: string, actor: string, day: string): SeatActivity => ({
  id: recordId('t', tool, actor, day),
  source: 't',
  tool,
  actor,
  day,
  interactions: 3,
});

async function store() {
  const db = await memoryDb();
  await db.loadDirectory(dir);
  await db.appendSeats([
    seat('ana-gh', 19, '2026-07-18T10:00:00Z'),
    seat('bo-gh', 39, '2026-05-01T10:00:00Z'),
    seat('zed-gh', null, null),
    seat('later-gh', 19, null, '2026-08-01'),
  ]);
  // Bo used Copilot 31 days before AS_OF (outside the 30), Cy used Claude Code 5 days before.
  await db.appendSeatActivity([
    activity('copilot', 'bo-gh', '2026-06-19'),
    activity('claude-code', 'cy@acme.com', '2026-07-15'),
  ]);
  await db.refreshLedger();
  return db;
}

describe('seat report', () => {
  it('lists the seats held, last use from every source, idle seats and their monthly cost', async () => {
    const db = await store();
    const r = await seatReport(
      { db, privacy: { individuals: 'visible', minGroupSize: 1 }, viewer: { role: 'owner' } },
      AS_OF,
    );
    expect(
      r.seats.map((s) => [
        s.tool,
        s.holder,
        s.source,
        s.monthlyPrice === null ? null : Number(s.monthlyPrice),
        s.lastActive,
        s.idle,
      ]),
    ).toEqual([
      ['claude-code', 'Cy', 'mileage.yaml', 100, '2026-07-15', false],
      ['copilot', null, 'copilot-seats', null, null, true],
      ['copilot', 'Bo', 'copilot-seats', 39, '2026-06-19', true],
      ['copilot', 'Ana', 'copilot-seats', 19, '2026-07-18', false],
    ]);
    const idlePriced = r.seats
      .filter((s) => s.idle && s.monthlyPrice !== null)
      .map((s) => usd(s.monthlyPrice ?? 0));
    expect(r.totals).toEqual([
      { tool: 'claude-code', seats: 1, idle: 0, idleMonthlyCost: '0', idleUnpriced: 0, activeUsers28d: null },
      {
        tool: 'copilot',
        seats: 3,
        idle: 2,
        idleMonthlyCost: sumUsd(idlePriced).toFixed(),
        idleUnpriced: 1,
        activeUsers28d: null,
      },
    ]);
  });

  it('privacy hidden: nobody named, the totals unchanged', async () => {
    const db = await store();
    const visible = await seatReport(
      { db, privacy: { individuals: 'visible', minGroupSize: 1 }, viewer: { role: 'owner' } },
      AS_OF,
    );
    const hidden = await seatReport(
      { db, privacy: { individuals: 'hidden', minGroupSize: 1 }, viewer: { role: 'owner' } },
      AS_OF,
    );
    expect(hidden.seats.every((s) => s.holder === null)).toBe(true);
    expect(hidden.hiddenSeats).toBe(3);
    expect(hidden.totals).toEqual(visible.totals);
  });

  it('spend.seat_utilisation counts vendor seats, vendor activity and the vendor last-activity date', async () => {
    const db = await store();
    // Seats are charged over the months the data touches: one usage record puts July in.
    await db.appendUsage([
      {
        id: 'u1',
        source: 'test',
        stream: null,
        granularity: 'request',
        start: new Date('2026-07-10T10:00:00Z'),
        end: new Date('2026-07-10T10:00:00Z'),
        tool: 'other',
        provider: null,
        model: null,
        tokens: { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 },
        requests: 1,
        cost: { amount: null, basis: 'list_estimate', priceRef: null },
        hints: {},
      },
    ]);
    await db.refreshLedger();
    const t = await seatUtilisation(
      {
        db,
        window: { since: '2026-07-01', until: AS_OF },
        privacy: { individuals: 'visible', minGroupSize: 1 },
        viewer: { role: 'owner' },
      },
      'tool',
    );
    const copilot = t.rows.find((r) => r.key === 'copilot');
    // Ana is active by GitHub's last-activity date only; Bo and zed are idle.
    expect(copilot?.values).toMatchObject({ seats: 3, idle_seats: 2, idle_monthly_cost: '39' });
  });
});
