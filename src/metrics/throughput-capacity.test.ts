import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureFor } from '../governance/experiment-measure.js';
import { parseCalendarEvents } from '../sources/capacity/google-calendar/parse.js';
import type { Db } from '../store/db.js';
import { buildStore, context, days, ORG, outcome } from './testing/fixture.js';
import { throughputPerEngineer } from './throughput.js';

/**
 * Capacity-adjusted delivery on an org with a planted two-week absence, against the headcount figure,
 * computed by hand.
 *
 * Org (testing/fixture.ts ORG): team Alpha = Ana, Bo; team Beta = Cy.
 * Window: Mon 2026-06-01 to Mon 2026-06-29 (exclusive) = 28 days = 4 weeks = 20 working days.
 * Merged PRs in the window: Ana 8 and Bo 8 (Alpha 16), Cy 6 (Beta 6).
 *
 * Headcount (no calendar):  Alpha 16 / (2 people × 4 weeks) = 16 / 8 = 2.0 PRs per engineer-week
 *                           Beta   6 / (1 × 4)               =  6 / 4 = 1.5
 *
 * Planted calendars (as Google Calendar returns them, read through the connector's parser):
 * - Ana: out of office 2026-06-08 00:00 to 2026-06-20 00:00 (-04:00): twelve calendar days, Mon 8 … Fri 19,
 *   of which 10 working days (the weekend of 13-14 takes no capacity);
 *   and an all-day busy event on Wed 2026-06-10, inside the leave: the same day, counted once;
 *   and an all-day busy event on Mon 2026-06-29: outside the window, not counted.
 * - Bo: out of office Fri 2026-06-26 13:00 to 18:00: five hours = half a day → 0.5.
 * - Cy: an all-day busy event on Sat 2026-06-13: a weekend, no capacity taken.
 *
 * Days away: Alpha 10 + 0.5 = 10.5 working days = 10.5 / 5 = 2.1 engineer-weeks; Beta 0.
 * Available engineer-weeks: Alpha 2 × 4 − 2.1 = 5.9; Beta 1 × 4 − 0 = 4.
 * Capacity-adjusted:  Alpha 16 / 5.9 = 2.711864406779661… PRs per available engineer-week
 *                     Beta   6 / 4   = 1.5 (unchanged: nobody away on a working day)
 * Difference from headcount: Alpha 2.7118… − 2.0 = +0.7118… (= 16/5.9 − 16/8); Beta 0.
 */
const SINCE = '2026-06-01';
const UNTIL = '2026-06-29';

function absences(calendar: string, items: unknown[]) {
  const parsed = parseCalendarEvents({ items }, { file: 'planted', calendar });
  expect(parsed.problems).toEqual([]);
  return parsed.records;
}

describe('delivery per engineer counts available engineer-days (capacity), not heads', () => {
  let db: Db;
  beforeAll(async () => {
    const prs = [
      ...days(SINCE, 8).map((d, i) => outcome({ day: d, id: `a${i}`, actor: 'ana@acme.test', points: 1 })),
      ...days('2026-06-15', 8).map((d, i) =>
        outcome({ day: d, id: `b${i}`, actor: 'bo@acme.test', points: 1 }),
      ),
      ...days('2026-06-02', 6).map((d, i) =>
        outcome({ day: d, id: `c${i}`, actor: 'cy@acme.test', points: 1 }),
      ),
    ];
    db = await buildStore(ORG, [], prs);
  });
  afterAll(() => db.close());

  const alpha = async () => {
    const t = await throughputPerEngineer(context(db, SINCE, UNTIL), 'team');
    return Object.fromEntries(t.rows.map((r) => [r.key, r.values]));
  };

  it('without calendars: PRs ÷ (heads × weeks), the headcount figure', async () => {
    const rows = await alpha();
    expect(rows.alpha).toMatchObject({
      prs: 16,
      engineers: 2,
      engineer_weeks: 8,
      absent_days: 0,
      per_engineer_week: 2,
    });
    expect(rows.beta).toMatchObject({ prs: 6, engineers: 1, engineer_weeks: 4, per_engineer_week: 1.5 });
  });

  it('with a planted two-week absence: exactly the hand-computed figure, and experiments weigh by it', async () => {
    await db.appendAbsences([
      ...absences('ana@acme.test', [
        {
          id: 'ana-leave',
          eventType: 'outOfOffice',
          start: { dateTime: '2026-06-08T00:00:00-04:00' },
          end: { dateTime: '2026-06-20T00:00:00-04:00' },
        },
        { id: 'ana-offsite', start: { date: '2026-06-10' }, end: { date: '2026-06-11' } },
        { id: 'ana-after', start: { date: '2026-06-29' }, end: { date: '2026-06-30' } },
      ]),
      ...absences('bo@acme.test', [
        {
          id: 'bo-dentist',
          eventType: 'outOfOffice',
          start: { dateTime: '2026-06-26T13:00:00+02:00' },
          end: { dateTime: '2026-06-26T18:00:00+02:00' },
        },
      ]),
      ...absences('cy@acme.test', [
        { id: 'cy-sat', start: { date: '2026-06-13' }, end: { date: '2026-06-14' } },
      ]),
    ]);
    const rows = await alpha();
    expect(rows.alpha).toMatchObject({ prs: 16, engineers: 2, absent_days: 10.5 });
    expect(rows.alpha?.engineer_weeks).toBeCloseTo(5.9, 12);
    expect(rows.alpha?.per_engineer_week).toBeCloseTo(16 / 5.9, 12);
    expect(Number(rows.alpha?.per_engineer_week) - 2).toBeCloseTo(16 / 5.9 - 16 / 8, 12);
    expect(rows.beta).toMatchObject({ absent_days: 0, engineer_weeks: 4, per_engineer_week: 1.5 });

    // An experiment reads the team's week weighed by available engineer-weeks, not by heads.
    const t = await throughputPerEngineer(context(db, '2026-06-08', '2026-06-15'), 'team');
    const week = measureFor('delivery.throughput_per_engineer')?.read(t).get('alpha');
    // Ana away the whole week (5 working days = 1 engineer-week): 2 heads × 1 week − 1 = 1.
    expect(week?.weight).toBeCloseTo(1, 12);
  });
});
