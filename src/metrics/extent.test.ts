import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../store/db.js';
import { filteredDb } from './filter.js';
import { dataExtent, dataExtentByTeam, teamsExtent } from './spend.js';
import { buildStore, ORG, outcome, usage } from './testing/fixture.js';

/**
 * Team filters' extents from one statement: each team's first and last day, folded over the teams asked
 * for. Alpha's spend spans 3–20 June and a PR of Bo's merges on 24 June; Beta (Cy) spends on 10 June only
 * but merges on 1 June; the loose key's spend (no team) lies outside both.
 */
const SPEND = [
  { day: '2026-06-03', id: 'a1', actor: 'ana@acme.test', cost: '1', tokens: { input: 1 } },
  { day: '2026-06-20', id: 'b1', actor: 'bo@acme.test', cost: '2', tokens: { input: 1 } },
  { day: '2026-06-10', id: 'c1', actor: 'cy@acme.test', cost: '3', tokens: { input: 1 } },
  { day: '2026-05-01', id: 'k1', key: 'k-small', cost: '4', tokens: { input: 1 } },
];
const PRS = [
  { day: '2026-06-24', id: 'P1', actor: 'bo@acme.test', points: 1 },
  { day: '2026-06-01', id: 'P2', actor: 'cy@acme.test', points: 1 },
];
const WANT: Record<string, { first: string; last: string } | null> = {
  alpha: { first: '2026-06-03', last: '2026-06-24' },
  beta: { first: '2026-06-01', last: '2026-06-10' },
  'alpha,beta': { first: '2026-06-01', last: '2026-06-24' },
  'beta,nobody': { first: '2026-06-01', last: '2026-06-10' },
  nobody: null,
  '': null,
};

let db: Db;
beforeAll(async () => {
  db = await buildStore(ORG, SPEND.map(usage), PRS.map(outcome));
});
afterAll(() => db.close());

describe('extent of a team filter', () => {
  it("is the earliest first and latest last day of the teams' own, as the filtered store gives it", async () => {
    const byTeam = await dataExtentByTeam({ db });
    for (const [list, want] of Object.entries(WANT)) {
      const teams = list ? list.split(',') : [];
      expect(teamsExtent(byTeam, teams), list).toEqual(want);
      expect(await dataExtent({ db: filteredDb(db, { teams }) }), list).toEqual(want);
    }
  });
});
