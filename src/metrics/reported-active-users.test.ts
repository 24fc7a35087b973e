import { describe, expect, it } from 'vitest';
import { memoryDb } from '../../test/support/apis.js';
import { emptyDirectory, type OrgDirectory } from '../domain/directory.js';
import { recordId } from '../domain/ids.js';
import { usd } from '../domain/money.js';
import type { ReportedActiveUsers, SeatRecord } from '../domain/seat.js';
import { NO_TOKENS } from '../domain/usage.js';
import { seatReport } from './seat-list.js';
import { seatUtilisation } from './seats.js';

const dir: OrgDirectory = {
  ...emptyDirectory(),
  org: 'acme',
  teams: [
    { id: 'web', name: 'Web', loadedCostPerEngineer: null },
    { id: 'api', name: 'API', loadedCostPerEngineer: null },
  ],
  people: ['ana', 'bo', 'cy', 'di', 'ed'].map((id, i) => ({
    id,
    name: id,
    team: i < 3 ? 'web' : 'api',
    aliases: [{ kind: 'email' as const, value: `${id}@acme.com` }],
  })),
};

const licence = (person: string): SeatRecord => ({
  id: recordId('gemini-code-assist-licenses', person),
  source: 'gemini-code-assist-licenses',
  tool: 'gemini-code-assist',
  actor: `${person}@acme.com`,
  plan: 'enterprise',
  periodStart: '2026-06-01',
  periodEnd: null,
  price: usd(45),
  basis: 'billed',
  lastActivity: null,
});

const count = (workspace: string, team: string, day: string, periodDays: 1 | 28, users: number) =>
  ({
    id: recordId('gemini-code-assist-monitoring', workspace, periodDays, day),
    source: 'gemini-code-assist-monitoring',
    tool: 'gemini-code-assist',
    workspace,
    team,
    day,
    periodDays,
    users,
  }) satisfies ReportedActiveUsers;

describe('seats bought against the active users a vendor counts', () => {
  it('shows the mean daily and the latest 28-day active users by tool, by team and for the org, never by person', async () => {
    const db = await memoryDb();
    await db.loadDirectory(dir);
    await db.appendSeats(['ana', 'bo', 'cy', 'di', 'ed'].map(licence));
    await db.appendActiveUsers([
      // acme-web (team web): 2, 3, 1 a day; 28-day 3 then 4. acme-api (team api): 1 and 2; 28-day 2.
      count('acme-web', 'web', '2026-07-06', 1, 2),
      count('acme-web', 'web', '2026-07-07', 1, 3),
      count('acme-web', 'web', '2026-07-08', 1, 1),
      count('acme-web', 'web', '2026-07-07', 28, 3),
      count('acme-web', 'web', '2026-07-08', 28, 4),
      count('acme-api', 'api', '2026-07-06', 1, 1),
      count('acme-api', 'api', '2026-07-07', 1, 2),
      count('acme-api', 'api', '2026-07-07', 28, 2),
      // Outside the window: never counted.
      count('acme-web', 'web', '2026-06-30', 1, 40),
      count('acme-web', 'web', '2026-07-20', 28, 40),
    ]);
    // The month the window touches is charged through a usage record of that month.
    await db.appendUsage([
      {
        id: 'u1',
        source: 'test',
        stream: null,
        granularity: 'day',
        start: new Date('2026-07-06T00:00:00Z'),
        end: new Date('2026-07-07T00:00:00Z'),
        tool: 'other',
        provider: null,
        model: null,
        tokens: { ...NO_TOKENS },
        requests: 1,
        cost: { amount: null, basis: 'list_estimate', priceRef: null },
        hints: {},
      },
    ]);
    await db.refreshLedger();
    const ctx = {
      db,
      window: { since: '2026-07-01', until: '2026-07-15' },
      privacy: { individuals: 'visible' as const, minGroupSize: 1 },
      viewer: { role: 'owner' as const },
    };
    const byTool = await seatUtilisation(ctx, 'tool');
    // By hand: days 06, 07, 08 give 2+1, 3+2, 1 → mean 3; the last 28-day day (08) has acme-web's 4 only.
    expect(byTool.rows.find((r) => r.key === 'gemini-code-assist')?.values).toMatchObject({
      seats: 5,
      reported_daily_active: 3,
      reported_28d_active: 4,
    });
    expect(byTool.notes.join(' ')).toContain('never by person');
    const byTeam = await seatUtilisation(ctx, 'team');
    const team = (id: string) => byTeam.rows.find((r) => r.key === id)?.values;
    expect(team('web')).toMatchObject({ seats: 3, reported_daily_active: 2, reported_28d_active: 4 });
    expect(team('api')).toMatchObject({ seats: 2, reported_daily_active: 1.5, reported_28d_active: 2 });
    const org = await seatUtilisation(ctx, null);
    expect(org.rows[0]?.values).toMatchObject({ seats: 5, reported_daily_active: 3 });
    const byPerson = await seatUtilisation(ctx, 'person');
    expect(byPerson.rows.every((r) => r.values.reported_daily_active === null)).toBe(true);
    // `mileage seats`: the licences held beside the latest 28-day count of the 30 days before the day asked.
    const seats = await seatReport({ db, privacy: ctx.privacy, viewer: ctx.viewer }, '2026-07-14');
    expect(seats.totals).toEqual([
      expect.objectContaining({ tool: 'gemini-code-assist', seats: 5, activeUsers28d: 4 }),
    ]);
    await db.close();
  });
});
