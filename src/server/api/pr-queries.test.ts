import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordId } from '../../domain/ids.js';
import { addDays } from '../../domain/time.js';
import { filteredDb } from '../../metrics/filter.js';
import { buildStore, context, ORG, outcome, usage } from '../../metrics/testing/fixture.js';
import type { Db } from '../../store/db.js';
import { demoStore } from '../../../test/support/demo-store.js';
import { branchSpend, keysFor, listPrs, onePr } from './pr-queries.js';

/**
 * One PR's drill-down: the sessions the session → PR join tied to it and the keys their spend went through,
 * both from one statement over the days the PR's entries fall on. Expected lists are worked out from the usage below.
 */
const REPO = 'github.com/acme/api';
const W = { since: '2026-07-01', until: '2026-07-08' };
const at = { repo: REPO, tokens: { input: 10 } };

let db: Db;
beforeAll(async () => {
  db = await buildStore(
    ORG,
    [
      {
        day: '2026-07-02',
        hour: 10,
        id: 'a1',
        actor: 'ana@acme.test',
        session: 's1',
        branch: 'feat/x',
        cost: '1.25',
      },
      {
        ...{ day: '2026-07-02', hour: 11, id: 'a2', actor: 'ana@acme.test', session: 's2', branch: 'feat/x' },
        key: 'k-small',
        cost: '2.5',
      },
      // Two cheaper entries of another model in s1: together they cost more than its costliest entry, whose
      // model is still the one the drill-down names.
      ...[13, 14].map((hour) => ({
        day: '2026-07-02',
        hour,
        id: `o${hour}`,
        actor: 'ana@acme.test',
        session: 's1',
        branch: 'feat/x',
        model: 'claude-opus-4-1',
        cost: '0.75',
      })),
      // Bo pairs on Ana's branch: his session is the PR's too.
      {
        day: '2026-07-03',
        hour: 9,
        id: 'b1',
        actor: 'bo@acme.test',
        session: 's3',
        branch: 'feat/x',
        cost: '0.75',
      },
      {
        day: '2026-07-04',
        hour: 9,
        id: 'b2',
        actor: 'bo@acme.test',
        session: 's4',
        branch: 'feat/y',
        cost: '3',
      },
      // On main: no PR's.
      {
        day: '2026-07-02',
        hour: 9,
        id: 'a3',
        actor: 'ana@acme.test',
        session: 's5',
        branch: 'main',
        cost: '9',
      },
    ].map((u) => usage({ ...at, ...u })),
    [
      {
        day: '2026-07-03',
        id: 'P1',
        actor: 'ana@acme.test',
        points: 1,
        branch: 'feat/x',
        openedHoursBefore: 48,
      },
      {
        day: '2026-07-05',
        id: 'P2',
        actor: 'bo@acme.test',
        points: 1,
        branch: 'feat/y',
        openedHoursBefore: 30,
      },
    ].map((p) => outcome({ ...p, repo: 'github.com/acme/api' })),
  );
});
afterAll(() => db.close());

describe('a PR drill-down', () => {
  it("lists the PR's sessions largest first and the keys their spend went through", async () => {
    const ctx = { ...context(db, W.since, W.until), db: filteredDb(db, undefined) };
    const p1 = await branchSpend(ctx, recordId('test-out', '2026-07-03', 'P1'));
    expect(p1.sessions.map((s) => [s.session, s.cost])).toEqual([
      ['s1', '2.75'],
      ['s2', '2.50'],
      ['s3', '0.75'],
    ]);
    expect(p1.sessions.every((s) => s.tool === 'claude-code' && s.model === 'claude-sonnet-4-6')).toBe(true);
    expect(keysFor(p1.keys, true).map((k) => [k.key, k.cost])).toEqual([
      ['no key', '3.50'],
      ['misc-key', '2.50'],
    ]);
    const p2 = await branchSpend(ctx, recordId('test-out', '2026-07-05', 'P2'));
    expect(p2.sessions.map((s) => [s.session, s.cost])).toEqual([['s4', '3.00']]);
    expect(keysFor(p2.keys, false).map((k) => [k.key, k.cost])).toEqual([['no key', '3.00']]);
  });
});

describe('the PR list', () => {
  it('gives a page of the merged PRs, newest first, and how many there are in all', async () => {
    const ctx = { ...context(db, W.since, W.until), db: filteredDb(db, undefined) };
    const ids = (page: { rows: Record<string, unknown>[] }) => page.rows.map((r) => r.id);
    const p1 = recordId('test-out', '2026-07-03', 'P1');
    const p2 = recordId('test-out', '2026-07-05', 'P2');
    const all = await listPrs(ctx, undefined, { limit: 10, offset: 0 });
    expect(ids(all)).toEqual([p2, p1]);
    expect(all.total).toBe(2);
    const second = await listPrs(ctx, undefined, { limit: 1, offset: 1 });
    expect(ids(second)).toEqual([p1]);
    expect(second.total).toBe(2);
    const past = await listPrs(ctx, undefined, { limit: 1, offset: 5 });
    expect(past).toEqual({ rows: [], total: 2 });
  });
});

describe("one PR's row", () => {
  /** Every PR of the window, asked for alone (from its author's rows only), is its row in the whole list. */
  async function expectListedRows(ctx: Parameters<typeof listPrs>[0]): Promise<number> {
    const { rows } = await listPrs(ctx, undefined, { limit: 2000, offset: 0 });
    for (const row of rows) {
      const personId = row.person_id === null ? null : String(row.person_id);
      expect(await onePr(ctx, { id: String(row.id), personId }), String(row.id)).toEqual(row);
    }
    return rows.length;
  }

  it('is the same as in the list, with session spend of other people on the PR', async () => {
    const ctx = { ...context(db, W.since, W.until), db: filteredDb(db, undefined) };
    expect(await expectListedRows(ctx)).toBe(2);
  });

  it('is the same as in the list on the demo organisation, for every PR of four weeks', async () => {
    const demo = await demoStore();
    try {
      const [row] = await demo.db.query(
        "SELECT CAST(max(day) AS VARCHAR) AS last FROM outcomes WHERE kind = 'pr_merged'",
      );
      const until = String(row?.last);
      const ctx = { ...context(demo.db, addDays(until, -28), until), db: filteredDb(demo.db, undefined) };
      expect(await expectListedRows(ctx)).toBeGreaterThan(50);
    } finally {
      await demo.close();
    }
  }, 120_000);
});
