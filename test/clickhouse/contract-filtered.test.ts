import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filteredContext, type MetricFilter } from '../../src/metrics/filter.js';
import type { MetricContext, Viewer } from '../../src/metrics/metric.js';
import { sessionPlace, workloadTeam } from '../../src/diagnostics/anomaly-causes.js';
import { seatReport } from '../../src/metrics/seat-list.js';
import { spendByWorkload } from '../../src/metrics/workloads.js';
import { branchSpend, listPrs, onePr, prDay } from '../../src/server/api/pr-queries.js';
import type { ClickHouseDb } from '../../src/store/clickhouse/clickhouse-db.js';
import type { Db, Row } from '../../src/store/db.js';
import { answerDifferences } from '../support/answers-compare.js';
import { catalogAnswers } from '../support/catalog-answers.js';
import { clickhouseAvailable, startClickHouse, type TestClickHouse } from '../support/clickhouse.js';
import { copiedToClickHouse } from '../support/clickhouse-demo.js';
import { demoStore, type DemoStore } from '../support/demo-store.js';

/**
 * The contract between the engines under filters (issue 23): the relations metrics read are narrowed by
 * `relation(…)` (src/metrics/relations.ts) with the filter's values bound in each engine's dialect, so a
 * manager's view, a `team=` query and a `tool=`/`model=` query answer the same on DuckDB and ClickHouse.
 * The unfiltered owner's view is test/clickhouse/contract.test.ts; this file covers what that one does not.
 */

const WINDOW = { since: '2026-10-05', until: '2026-11-02' };

describe.skipIf(!clickhouseAvailable())(
  'the engines agree under filters (DuckDB and one ClickHouse server, on the demo)',
  () => {
    let demo: DemoStore;
    let server: TestClickHouse;
    let ch: ClickHouseDb;
    let teams: string[];
    let topTool: string;
    let topModel: string;

    beforeAll(async () => {
      [demo, server] = await Promise.all([demoStore(), startClickHouse()]);
      ch = await copiedToClickHouse(demo.db, server);
      teams = (await demo.db.query('SELECT team_id FROM dir_teams ORDER BY 1')).map((r) => String(r.team_id));
      const top = async (column: string) =>
        String(
          (
            await demo.db.query(
              `SELECT ${column} AS v FROM ledger_daily WHERE ${column} IS NOT NULL AND day >= $since AND day < $until
               GROUP BY 1 ORDER BY sum(cost) DESC, 1 LIMIT 1`,
              WINDOW,
            )
          )[0]?.v,
        );
      [topTool, topModel] = [await top('tool'), await top('model')];
    }, 240_000);

    afterAll(async () => {
      await ch?.close();
      await server?.stop();
      await demo?.close();
    });

    /** Every catalog answer for one audience and filter on both engines; what differs beyond the known gaps. */
    async function compare(viewer: Viewer, filter: MetricFilter) {
      const privacy = demo.directory.privacy;
      const duck = await catalogAnswers(demo.db, WINDOW, privacy, viewer, filter);
      const click = await catalogAnswers(ch, WINDOW, privacy, viewer, filter);
      const unfiltered = await catalogAnswers(demo.db, WINDOW, privacy, viewer);
      const keys = Object.keys(duck);
      expect(keys.length).toBeGreaterThan(80);
      // DuckDB's answers are answers, not errors: an error on both sides would compare equal.
      expect(keys.filter((k) => 'error' in (duck[k] as object))).toEqual([]);
      // The filter narrows: most answers differ from the unfiltered ones (else the test would prove nothing).
      const narrowed = keys.filter((k) => answerDifferences(duck[k], unfiltered[k]).length > 0);
      expect(narrowed.length).toBeGreaterThan(keys.length / 2);
      // Each differing answer with its first differences, so a failure says what moved.
      return keys
        .filter((k) => answerDifferences(duck[k], click[k]).length > 0)
        .map((k) => `${k}: ${answerDifferences(duck[k], click[k]).slice(0, 3).join('; ')}`);
    }

    it("a team manager's view (their team only, people named as the org allows)", async () => {
      const team = teams[0] as string;
      expect(await compare({ role: 'manager', teams: [team] }, { teams: [team] })).toEqual([]);
    }, 180_000);

    it('an org-wide viewer asking for two teams (small groups folded into "other")', async () => {
      expect(await compare({ role: 'viewer' }, { teams: teams.slice(1, 3) })).toEqual([]);
    }, 180_000);

    it('the owner asking for one tool, and for one model of one team', async () => {
      expect(await compare({ role: 'owner' }, { tools: [topTool] })).toEqual([]);
      expect(await compare({ role: 'owner' }, { models: [topModel], teams: [teams[0] as string] })).toEqual(
        [],
      );
    }, 240_000);

    it("the PR list, one PR's row and its drill-down (server/api/pr-queries.ts) under a team filter", async () => {
      const filter = { teams: [teams[0] as string] };
      const on = (db: Db): MetricContext =>
        filteredContext(
          { db, window: WINDOW, privacy: demo.directory.privacy, viewer: { role: 'owner' } },
          filter,
        );
      const [duck, click] = [on(demo.db), on(ch)];
      const page = { limit: 1000, offset: 0 };
      const [duckList, clickList] = [
        await listPrs(duck, undefined, page),
        await listPrs(click, undefined, page),
      ];
      expect(duckList.total).toBeGreaterThan(5);
      // Only the team's PRs: fewer than the whole org's.
      const whole = await listPrs({ ...duck, db: demo.db, filter: undefined }, undefined, page);
      expect(duckList.total).toBeLessThan(whole.total);
      expect(answerDifferences(duckList, clickList)).toEqual([]);
      // A repository filter and a page past the first row.
      const repo = String(duckList.rows[0]?.repo);
      const second = { limit: 3, offset: 1 };
      expect(
        answerDifferences(await listPrs(duck, [repo], second), await listPrs(click, [repo], second)),
      ).toEqual([]);
      for (const row of duckList.rows.slice(0, 4)) {
        const id = String(row.id);
        const person = row.person_id === null ? null : String(row.person_id);
        const pair = async <T>(f: (ctx: MetricContext) => Promise<T>) => [await f(duck), await f(click)];
        const [dayA, dayB] = await pair((ctx) => prDay(ctx, id));
        expect(answerDifferences(dayA, dayB), id).toEqual([]);
        const [rowA, rowB] = await pair((ctx) => onePr(ctx, { id, personId: person }));
        expect(rowA, id).not.toBeNull();
        expect(answerDifferences(rowA as Row, rowB as Row), id).toEqual([]);
        const [spendA, spendB] = await pair((ctx) => branchSpend(ctx, id));
        expect(answerDifferences(spendA, spendB), id).toEqual([]);
      }
    }, 120_000);

    it("anomaly causes (a workload's team, a session's place) under a team filter, and the seat list", async () => {
      const on = (db: Db): MetricContext =>
        filteredContext(
          { db, window: WINDOW, privacy: demo.directory.privacy, viewer: { role: 'owner' } },
          { teams: [teams[0] as string] },
        );
      const [duck, click] = [on(demo.db), on(ch)];
      const workloads = (await spendByWorkload(duck)).slice(0, 3);
      expect(workloads.length).toBeGreaterThan(0);
      for (const w of workloads) {
        const team = await workloadTeam(duck, WINDOW, w.id);
        expect(team, w.id).toBe(teams[0]);
        expect(await workloadTeam(click, WINDOW, w.id), w.id).toBe(team);
      }
      const sessions = await demo.db.query(
        `SELECT session_id FROM ledger_sessions WHERE team_id = $team AND session_id IS NOT NULL
           AND day >= $since AND day < $until GROUP BY 1 ORDER BY sum(cost) DESC, 1 LIMIT 3`,
        { team: teams[0] as string, ...WINDOW },
      );
      expect(sessions.length).toBeGreaterThan(0);
      for (const { session_id } of sessions) {
        const place = await sessionPlace(duck, String(session_id));
        expect(place.workload, String(session_id)).not.toBeNull();
        expect(await sessionPlace(click, String(session_id))).toEqual(place);
      }
      const privacy = demo.directory.privacy;
      const seats = async (db: Db) => seatReport({ db, privacy, viewer: { role: 'owner' } }, '2026-10-30');
      const duckSeats = await seats(demo.db);
      expect(duckSeats.seats.length).toBeGreaterThan(0);
      expect(answerDifferences(duckSeats, await seats(ch))).toEqual([]);
    }, 120_000);
  },
);
