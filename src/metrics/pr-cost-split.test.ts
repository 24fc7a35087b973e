import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordId } from '../domain/ids.js';
import { addDays } from '../domain/time.js';
import type { Db } from '../store/db.js';
import { ATTRIBUTED_PRS } from './pr-cost.js';
import { buildStore, ORG, outcome, usage, type PrSpec, type UsageSpec } from './testing/fixture.js';

/**
 * The person × period split of ATTRIBUTED_PRS on a generated store: many PRs per person, several merged on
 * the same day (the id breaks the tie for the last PR), points of zero (an even split when all are zero),
 * PRs without a known author, spend outside the window. Every figure is worked out here from the inputs.
 */
const W = { since: '2026-03-02', until: '2026-03-23' };
const ACTORS = ['ana@acme.test', 'bo@acme.test', 'cy@acme.test', 'eve@nowhere.test'];
const PERSON: Record<string, string> = { 'ana@acme.test': 'ana', 'bo@acme.test': 'bo', 'cy@acme.test': 'cy' };

function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

const r = rng(7);
const PRS: (PrSpec & { actor: string })[] = Array.from({ length: 60 }, (_, i) => {
  const actor = ACTORS[Math.floor(r() * ACTORS.length)] as string;
  // Cy's PRs carry no points: their split is even.
  const points = actor === 'cy@acme.test' ? 0 : [0, 0.5, 1, 1.3, 2, 3.7][Math.floor(r() * 6)]!;
  return { day: addDays('2026-02-25', Math.floor(r() * 30)), id: `G${i}`, actor, points };
});
const SPEND: UsageSpec[] = Array.from({ length: 80 }, (_, i) => ({
  day: addDays('2026-02-25', Math.floor(r() * 30)),
  id: `u${i}`,
  actor: ACTORS[Math.floor(r() * ACTORS.length)] as string,
  session: `s${i}`,
  repo: 'github.com/acme/api',
  branch: 'main',
  cost: new Decimal(Math.floor(r() * 1e12)).div(1e10).toFixed(10),
  tokens: { input: 100 },
}));

const inWindow = (day: string) => day >= W.since && day < W.until;

/** Each PR's share of its author's spend in the window, the last PR (merge time, then id) taking the rest. */
function expected(): Map<string, Decimal> {
  const out = new Map<string, Decimal>();
  const prs = PRS.filter((p) => inWindow(p.day)).map((p) => ({
    ...p,
    storedId: recordId('test-out', p.day, p.id),
  }));
  for (const p of prs) out.set(p.id, new Decimal(0));
  for (const person of new Set(Object.values(PERSON))) {
    const spend = SPEND.filter((s) => inWindow(s.day) && PERSON[s.actor ?? ''] === person).reduce(
      (n, s) => n.plus(s.cost),
      new Decimal(0),
    );
    const mine = prs
      .filter((p) => PERSON[p.actor] === person)
      .sort((a, b) => a.day.localeCompare(b.day) || (a.storedId < b.storedId ? -1 : 1));
    const weight = mine.reduce((n, p) => n + p.points, 0);
    let given = new Decimal(0);
    mine.forEach((p, i) => {
      const share =
        i === mine.length - 1
          ? spend.minus(given)
          : spend.times(weight > 0 ? p.points / weight : 1 / mine.length).toDecimalPlaces(10);
      given = given.plus(share);
      out.set(p.id, share);
    });
  }
  return out;
}

let db: Db;
beforeAll(async () => {
  db = await buildStore(ORG, SPEND.map(usage), PRS.map(outcome));
});
afterAll(() => db.close());

describe('person × period split over a generated store', () => {
  it('gives every PR in the window its share, the last one the rounding, unknown authors nothing', async () => {
    const rows = await db.query(
      `SELECT ref, person_id, CAST(person_period_cost AS VARCHAR) AS cost, CAST(pr_cost AS VARCHAR) AS total,
         cost_evidence FROM ${ATTRIBUTED_PRS}`,
      W,
    );
    const want = expected();
    expect(rows.map((x) => String(x.ref)).sort()).toEqual([...want.keys()].sort());
    for (const row of rows) {
      const e = want.get(String(row.ref)) as Decimal;
      expect(new Decimal(String(row.cost)).minus(e).abs().toNumber(), String(row.ref)).toBeLessThan(1e-9);
      expect(String(row.total), String(row.ref)).toBe(String(row.cost));
      expect(row.cost_evidence).toBe(e.isZero() ? 'none' : 'person_period');
      if (row.person_id === null) expect(e.isZero()).toBe(true);
    }
    // Per person, exactly: the split hands out the person's spend in the window to the ten-billionth.
    const byPerson = new Map<string, Decimal>();
    for (const row of rows) {
      if (row.person_id === null) continue;
      const k = String(row.person_id);
      byPerson.set(k, (byPerson.get(k) ?? new Decimal(0)).plus(String(row.cost)));
    }
    for (const [person, got] of byPerson) {
      const spend = SPEND.filter((s) => inWindow(s.day) && PERSON[s.actor ?? ''] === person).reduce(
        (n, s) => n.plus(s.cost),
        new Decimal(0),
      );
      expect(got.toFixed(10), person).toBe(spend.toFixed(10));
    }
  });
});
