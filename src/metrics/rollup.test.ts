import { describe, expect, it } from 'vitest';
import { sharedDemoStore } from '../../test/support/demo-store.js';
import { bookRepricer, priceBookFor } from '../cli/pricing.js';
import { addDays } from '../domain/time.js';
import { weeklyReport, type WeeklyReport } from '../diagnostics/weekly.js';
import type { Db, Row, SqlParam } from '../store/db.js';
import { filteredDb } from './filter.js';
import { DIMENSIONS, spendBy } from './query.js';
import { isWholeWeeks, ledgerRollup } from './rollup.js';

/**
 * The weekly rollup of the ledger is a faster way to the same answers: the test builds the demo's store,
 * computes weekly diagnostics (whole weeks, so they read `ledger_weekly`), then puts the daily rows in the
 * weekly table's place and computes them again. Every figure, label and order must be the same.
 */
const demo = sharedDemoStore();

/** A store that records which tables its statements read. */
function watched(db: Db, read: string[]): Db {
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'query') {
        return (sql: string, params?: Record<string, SqlParam>) => {
          read.push(...(sql.match(/\bledger_(daily|weekly)\b/g) ?? []));
          return target.query<Row>(sql, params);
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Spend by every dimension over four whole weeks, as the owner and as a viewer who sees no individual. */
async function spendAnswers(read: string[]): Promise<unknown[]> {
  const [row] = await demo().db.query('SELECT CAST(max(day) AS VARCHAR) AS last FROM ledger_daily');
  const last = String(row?.last);
  const until = addDays(last, -((new Date(`${last}T00:00:00Z`).getUTCDay() + 6) % 7));
  const out: unknown[] = [];
  for (const viewer of [{ role: 'owner' }, { role: 'viewer' }] as const) {
    for (const dim of DIMENSIONS) {
      out.push(
        await spendBy(
          {
            db: watched(filteredDb(demo().db, undefined), read),
            privacy: { individuals: viewer.role === 'owner' ? 'visible' : 'hidden', minGroupSize: 3 },
            viewer,
            window: { since: addDays(until, -28), until },
          },
          dim,
        ),
      );
    }
  }
  return out;
}

async function reports(read: string[]): Promise<(WeeklyReport | null)[]> {
  const [row] = await demo().db.query('SELECT CAST(max(day) AS VARCHAR) AS last FROM ledger_daily');
  const teams = (await demo().db.query('SELECT team_id FROM dir_teams ORDER BY 1')).map((r) =>
    String(r.team_id),
  );
  const lastMonday = addDays(
    String(row?.last),
    -((new Date(`${String(row?.last)}T00:00:00Z`).getUTCDay() + 6) % 7),
  );
  const out: (WeeklyReport | null)[] = [];
  for (const [until, filter] of [
    [lastMonday, undefined],
    [addDays(lastMonday, -21), undefined],
    [addDays(lastMonday, -7), { teams: [teams[0] ?? ''] }],
    [addDays(lastMonday, -14), { teams: teams.slice(0, 2), tools: ['claude-code'] }],
  ] as const) {
    out.push(
      await weeklyReport({
        db: watched(filteredDb(demo().db, filter), read),
        org: demo().directory.org,
        privacy: { individuals: 'visible', minGroupSize: 1 },
        viewer: { role: 'owner' },
        reprice: bookRepricer(priceBookFor(demo().directory)),
        window: { until },
      }),
    );
  }
  return out;
}

describe('the weekly rollup of the ledger', () => {
  it('is chosen for whole weeks only', () => {
    expect(isWholeWeeks({ since: '2026-11-02', until: '2026-11-16' })).toBe(true);
    expect(isWholeWeeks({ since: '2026-11-02', until: '2026-11-15' })).toBe(false);
    expect(isWholeWeeks({ since: '2026-11-03', until: '2026-11-16' })).toBe(false);
    expect(ledgerRollup({ since: '2026-11-02', until: '2026-11-09' })).toBe('ledger_weekly');
    expect(
      ledgerRollup(
        { since: '2026-11-02', until: '2026-11-09' },
        { since: '2026-11-01', until: '2026-11-09' },
      ),
    ).toBe('ledger_daily');
  });

  it("holds the daily rows summed per ISO week, with each week's costliest day row", async () => {
    const [diff] = await demo().db.query(
      `WITH expected AS (
         SELECT CAST(date_trunc('week', day) AS DATE) AS day, * EXCLUDE (day, input_tokens, cache_read_tokens,
           cache_write_tokens, output_tokens, reasoning_tokens, requests, cost, records),
           sum(input_tokens) AS input_tokens, sum(cache_read_tokens) AS cache_read_tokens,
           sum(cache_write_tokens) AS cache_write_tokens, sum(output_tokens) AS output_tokens,
           sum(reasoning_tokens) AS reasoning_tokens, sum(requests) AS requests, sum(cost) AS cost,
           sum(records) AS records, max(cost) AS top_cost
         FROM ledger_daily GROUP BY ALL
       )
       SELECT (SELECT count(*) FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM ledger_weekly)) AS missing,
         (SELECT count(*) FROM (SELECT * FROM ledger_weekly EXCEPT ALL SELECT * FROM expected)) AS extra,
         (SELECT count(*) FROM ledger_weekly) AS weekly, (SELECT count(*) FROM ledger_daily) AS daily,
         (SELECT count(*) FROM ledger_weekly WHERE isodow(day) <> 1) AS not_monday`,
    );
    expect(Number(diff?.missing)).toBe(0);
    expect(Number(diff?.extra)).toBe(0);
    expect(Number(diff?.not_monday)).toBe(0);
    expect(Number(diff?.weekly)).toBeLessThan(Number(diff?.daily));
  });

  it('gives the weekly diagnostic and spend by every dimension exactly the answers of the daily rows', async () => {
    const weeklyRead: string[] = [];
    const fromWeeks = await reports(weeklyRead);
    const spendRead: string[] = [];
    const spendFromWeeks = await spendAnswers(spendRead);
    expect(weeklyRead).toContain('ledger_weekly');
    expect(spendRead).toContain('ledger_weekly');
    expect(spendRead).not.toContain('ledger_daily');
    expect(fromWeeks.every((r) => r !== null && r.topWorkloads.length > 0)).toBe(true);

    // The daily rows in the weekly table's place: the same statements now read days.
    await demo().db.query('ALTER TABLE ledger_weekly RENAME TO ledger_weekly_kept');
    await demo().db.query('CREATE VIEW ledger_weekly AS SELECT *, cost AS top_cost FROM ledger_daily');
    try {
      const fromDays = await reports([]);
      expect(JSON.parse(JSON.stringify(fromWeeks))).toEqual(JSON.parse(JSON.stringify(fromDays)));
      expect(JSON.parse(JSON.stringify(spendFromWeeks))).toEqual(
        JSON.parse(JSON.stringify(await spendAnswers([]))),
      );
    } finally {
      await demo().db.query('DROP VIEW ledger_weekly');
      await demo().db.query('ALTER TABLE ledger_weekly_kept RENAME TO ledger_weekly');
    }
  });
});
