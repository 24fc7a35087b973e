import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, memoryDb, sourceConfig } from '../../../test/support/apis.js';
import { fakeClock } from '../../../test/support/fake-clock.js';
import {
  calendarApis,
  serviceAccountKey,
  storedAbsences,
  verifiedClaims,
} from '../../../test/support/google.js';
import { killAndResume } from '../../../test/support/kill-resume.js';
import { ReplayServer } from '../../../test/support/replay-server.js';
import { identityHash } from '../../domain/ids.js';
import { runSync } from '../sync/runner.js';
import { createGoogleCalendarConnector } from './connector.js';

type Event = Record<string, unknown> & { id: string; updated?: string };
const NOW = Date.parse('2026-07-03T00:00:00Z');

describe('Google Calendar as capacity', () => {
  let server: ReplayServer;
  let calendars: Record<string, Event[]>;
  let now = NOW;
  const make = () => {
    const r = createGoogleCalendarConnector(
      sourceConfig('calendar', {
        type: 'google-calendar',
        token_env: 'GOOGLE_CALENDAR_KEY',
        base_url: server.url,
        since: '2026-06-01',
        people: ['ana@acme.com', 'bo@acme.com'],
        page_size: 3,
      }),
      { env: { GOOGLE_CALENDAR_KEY: serviceAccountKey(server.url) }, now: () => now, clock: fakeClock() },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.value;
  };
  const days = async (db: Awaited<ReturnType<typeof memoryDb>>) =>
    (await storedAbsences(db)).map(
      (r) =>
        `${String(r.day)} ${r.actor_hash === identityHash('ana@acme.com') ? 'ana' : 'bo'} ${String(r.kind)} ${String(r.fraction)}`,
    );

  beforeAll(async () => {
    server = await ReplayServer.start();
    calendars = fixture<Record<string, Event[]>>('google-calendar/events.json');
    calendarApis(server, calendars);
  });
  afterAll(() => server.close());

  it('stores out-of-office and all-day busy days per person; nothing else, and no title ever arrives', async () => {
    const db = await memoryDb();
    const s = await runSync(db, make());
    const twoWeeks = Array.from(
      { length: 12 },
      (_, i) => `2026-06-${String(8 + i).padStart(2, '0')} ana out_of_office 1`,
    );
    expect((await days(db)).sort()).toEqual(
      [
        ...twoWeeks,
        '2026-06-24 ana all_day_busy 1', // the customer offsite (all day, busy)
        '2026-06-26 ana out_of_office 0.5', // five hours at the dentist: half a day
        '2026-06-29 bo out_of_office 1',
        '2026-06-30 bo out_of_office 1',
      ].sort(),
    );
    expect(s.problems.map((p) => p.field)).toEqual(['items[1].start.date']);
    // Every answer Mileage received was masked: no title, description, attendee or creator.
    const asked = server.requests.filter((r) => r.path.startsWith('/calendar/'));
    for (const r of asked)
      expect(r.query.get('fields')).toBe(
        'items(id,status,eventType,transparency,start,end,updated),nextPageToken',
      );
    const stored =
      JSON.stringify(await db.query('SELECT * FROM absence_days')) +
      JSON.stringify(await db.query('SELECT * FROM meta'));
    for (const secret of ['family trip', 'Lisbon', 'cfo@customer', 'ana@acme.com', 'Dentist'])
      expect(stored).not.toContain(secret);
    await db.close();
  });

  it('acts as each person by domain-wide delegation: one token per calendar, for events read-only', () => {
    const subs = server
      .seen('POST', '/token')
      .map((r) => verifiedClaims(new URLSearchParams(r.text).get('assertion') ?? ''))
      .map((c) => [c?.sub, c?.scope]);
    expect(new Set(subs.map((s) => s[0]))).toEqual(new Set(['ana@acme.com', 'bo@acme.com']));
    for (const s of subs) expect(s[1]).toBe('https://www.googleapis.com/auth/calendar.events.readonly');
  });

  it('a moved absence keeps only its new days; a cancelled one leaves none (next sync, changed events only)', async () => {
    const db = await memoryDb();
    await runSync(db, make());
    const ana = calendars['ana@acme.com'] ?? [];
    const saved = ana.map((e) => ({ ...e }));
    // A week later: the offsite moves a day, bo's leave is cancelled.
    now = NOW + 7 * 86_400_000;
    const offsite = ana.find((e) => e.id === '7c1offsite2026');
    Object.assign(offsite ?? {}, {
      start: { date: '2026-06-25' },
      end: { date: '2026-06-26' },
      updated: '2026-07-08T10:00:00.000Z',
    });
    const bo = calendars['bo@acme.com'] ?? [];
    bo.splice(0, 1, {
      kind: 'calendar#event',
      id: 'bo-ooo-0629',
      status: 'cancelled',
      updated: '2026-07-08T11:00:00.000Z',
    });
    server.requests.length = 0;
    await runSync(db, make());
    const after = await days(db);
    expect(after).toContain('2026-06-25 ana all_day_busy 1');
    expect(after).not.toContain('2026-06-24 ana all_day_busy 1');
    expect(after.filter((d) => d.includes(' bo '))).toEqual([]);
    // The second sync asked only for events changed since the last one (less a day's overlap).
    const listed = server.requests.filter((r) => r.path.startsWith('/calendar/'));
    expect(listed.length).toBeGreaterThan(0);
    for (const r of listed) expect(r.query.get('updatedMin')).toBe('2026-07-02T00:00:00.000Z');
    calendars['ana@acme.com'] = saved;
    calendars['bo@acme.com'] =
      fixture<Record<string, Event[]>>('google-calendar/events.json')['bo@acme.com'] ?? [];
    now = NOW;
    await db.close();
  });

  it('killed after any page and resumed: exactly the days of an uninterrupted sync', async () => {
    for (const killAfter of [1, 2, 3]) {
      const r = await killAndResume(() => make(), killAfter, storedAbsences);
      expect(r.killError).toEqual(new Error('killed'));
      expect(r.partial.length).toBeLessThan(r.expected.length);
      expect(r.after).toEqual(r.expected);
      expect(r.metaText).not.toContain('ana@acme.com');
      await r.db.close();
    }
  });
});
