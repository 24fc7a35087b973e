import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookRepricer, priceBookFor } from '../../src/cli/pricing.js';
import { weeklyReport } from '../../src/diagnostics/weekly.js';
import { filteredDb } from '../../src/metrics/filter.js';
import type { ClickHouseDb } from '../../src/store/clickhouse/clickhouse-db.js';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import type { Db, Row } from '../../src/store/db.js';
import { answerDifferences } from '../support/answers-compare.js';
import { catalogAnswers } from '../support/catalog-answers.js';
import { clickhouseAvailable, startClickHouse, type TestClickHouse } from '../support/clickhouse.js';
import { copiedToClickHouse, testLocation } from '../support/clickhouse-demo.js';
import { demoStore, type DemoStore } from '../support/demo-store.js';

/**
 * The contract between the engines (issue 23): the demo's facts in DuckDB, copied into a real ClickHouse server
 * the way `mileage store migrate --to` copies them (facts, directory, audit runs, meta; then the target builds
 * its own ledger); each engine computes the catalog and the weekly report; the answers must be the same to the
 * cent (money compared as exact decimals, floats within 1e-9 of their size: support/answers-compare.ts).
 * One demo and one server for the whole file.
 */

/**
 * Catalog answers ClickHouse does not give yet (docs/clickhouse.md, "Not done"): listed, so none hides. None
 * today; a new metric that differs must be fixed or listed here with its reason.
 */
const KNOWN_GAPS = new Set<string>([]);

/** The weekly diagnostic's last weeks on the demo (its data ends mid-November): `until` of each report. */
const REPORT_WEEKS = ['2026-11-02', '2026-11-09', '2026-11-16'];

const WINDOW = { since: '2026-10-05', until: '2026-11-02' };

describe.skipIf(!clickhouseAvailable())(
  'the engines agree on the demo (DuckDB and one ClickHouse server)',
  () => {
    let demo: DemoStore;
    let server: TestClickHouse;
    let ch: ClickHouseStore;
    let db: ClickHouseDb;

    beforeAll(async () => {
      [demo, server] = await Promise.all([demoStore(), startClickHouse()]);
      db = await copiedToClickHouse(demo.db, server);
      // The store's own build by month ranges, for the incremental rebuild below.
      ch = await ClickHouseStore.open(testLocation(server));
    }, 180_000);

    afterAll(async () => {
      await db?.close();
      await ch?.close();
      await server?.stop();
      await demo?.close();
    });

    /** Rows of one statement on both engines. */
    const both = async (statement: string): Promise<[Row[], Row[]]> => [
      await demo.db.query(statement),
      await db.query(statement),
    ];

    it('every ledger entry: the same record, entry, amount, basis and tokens', async () => {
      const [duck, click] = await both(
        `SELECT record_id, entry, source, stream, CAST(day AS VARCHAR) AS day, CAST(cost AS VARCHAR) AS cost, unpriced,
         basis, auth_source, person_id, team_id, input_tokens, output_tokens, cache_read_tokens, requests
       FROM ledger ORDER BY record_id, entry`,
      );
      expect(duck.length).toBeGreaterThan(40_000);
      expect(answerDifferences(duck, click)).toEqual([]);
    });

    it('the rollups and PR tables sum to the same cents per day and attribution', async () => {
      for (const table of ['ledger_daily', 'ledger_weekly', 'ledger_sessions', 'ledger_prs']) {
        const [duck, click] = await both(
          `SELECT CAST(day AS VARCHAR) AS day, coalesce(person_id, '-') AS person, coalesce(model, '-') AS model,
           CAST(sum(cost) AS VARCHAR) AS cost, count(*) AS n
         FROM ${table} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
        );
        expect(duck.length, table).toBeGreaterThan(0);
        expect(answerDifferences(duck, click), table).toEqual([]);
      }
      const [duckDays, clickDays] = await both(
        'SELECT source, CAST(day AS VARCHAR) AS day, records FROM usage_days ORDER BY 1, 2',
      );
      expect(answerDifferences(duckDays, clickDays)).toEqual([]);
    });

    it('an incremental rebuild of one month, cut into small ranges, leaves the ledger as the full build made it', async () => {
      const entries = `SELECT record_id, entry, CAST(cost AS VARCHAR) AS cost, input_tokens FROM ledger ORDER BY 1, 2`;
      const before = await ch.query(entries);
      const build = await ch.refreshLedger({
        range: { from: '2026-10-10', until: '2026-10-11' },
        recordsPerRange: 8_000,
      });
      expect(build.months).toEqual(['2026-10']);
      expect(build.ranges).toBeGreaterThan(1);
      expect(answerDifferences(before, await ch.query(entries))).toEqual([]);
    }, 120_000);

    it('every catalog metric, ungrouped and by every dimension, and spend by every dimension', async () => {
      const privacy = demo.directory.privacy;
      const duck = await catalogAnswers(demo.db, WINDOW, privacy, { role: 'owner' });
      const click = await catalogAnswers(db, WINDOW, privacy, { role: 'owner' });
      const keys = Object.keys(duck);
      expect(keys.length).toBeGreaterThan(80);
      const differing = keys.filter((k) => answerDifferences(duck[k], click[k]).length > 0);
      // Every answer that differs is a listed gap, and every listed gap still differs (fixing one updates the list).
      expect(differing.sort()).toEqual([...KNOWN_GAPS].sort());
      // DuckDB's answers are answers, not errors: an error on both sides would compare equal.
      expect(keys.filter((k) => 'error' in (duck[k] as object))).toEqual([]);
    }, 120_000);

    it('the weekly report, week by week, for the owner: the same findings, figures and owners', async () => {
      const reprice = bookRepricer(priceBookFor(demo.directory));
      const reportOn = async (store: Db, until: string) =>
        JSON.parse(
          JSON.stringify(
            await weeklyReport({
              // As the CLI and the server read: through the filter proxy, which prunes unused joins.
              db: filteredDb(store, undefined),
              org: demo.directory.org,
              privacy: demo.directory.privacy,
              viewer: { role: 'owner' },
              reprice,
              window: { until },
            }),
          ),
        ) as { findings: unknown[]; headline: { spend: string } } | null;
      for (const until of REPORT_WEEKS) {
        const [duck, click] = [await reportOn(demo.db, until), await reportOn(db, until)];
        expect(duck, until).not.toBeNull();
        expect(duck?.findings.length, until).toBeGreaterThan(3);
        expect(Number(duck?.headline.spend), until).toBeGreaterThan(0);
        expect(answerDifferences(duck, click), until).toEqual([]);
      }
    }, 120_000);
  },
);
