import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clickhouseAvailable,
  startClickHouse,
  type TestClickHouse,
} from '../../../test/support/clickhouse.js';
import { ClickHouseSql } from '../clickhouse/clickhouse-sql.js';
import type { Db, Row, SqlParam } from '../db.js';
import { openStore } from '../open.js';
import { dialectFor, type SqlDialect } from './dialect.js';

/**
 * Each dialect piece against both real engines: the same question, written once through the dialect, gets the
 * same answer from DuckDB and from ClickHouse, and that answer is the one computed here independently.
 */
type Run = (sql: string, params?: Record<string, SqlParam>) => Promise<Row[]>;

/** Inline rows that both engines read: `SELECT … UNION ALL SELECT …`. */
function rows(values: readonly (string | number | null)[][], columns: readonly string[]): string {
  return values
    .map((v) => `SELECT ${v.map((x, i) => `${x === null ? 'NULL' : String(x)} AS ${columns[i]}`).join(', ')}`)
    .join(' UNION ALL ');
}

/** R7 quantile (linear interpolation between order statistics), computed in JS. */
function r7(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] ?? NaN) + ((s[hi] ?? NaN) - (s[lo] ?? NaN)) * (pos - lo);
}

const cases: { name: string; check: (d: SqlDialect, run: Run) => Promise<void> }[] = [
  {
    name: 'exact median and R7 quantile (even and odd counts)',
    async check(d, run) {
      const even = [4, 1, 3, 2, 10, 7];
      const odd = [5, 1, 3];
      const src = `(${rows([...even.map((x) => ['1', x]), ...odd.map((x) => ['2', x])], ['g', 'x'])})`;
      const out = await run(
        `SELECT g, ${d.median('x')} AS m, ${d.quantile('x', 0.9)} AS p90, ${d.quantile('x', 0.25)} AS p25
         FROM ${src} t GROUP BY g ORDER BY g`,
      );
      expect(out.map((r) => [Number(r.m), Number(r.p90), Number(r.p25)])).toEqual([
        [r7(even, 0.5), r7(even, 0.9), r7(even, 0.25)],
        [r7(odd, 0.5), r7(odd, 0.9), r7(odd, 0.25)],
      ]);
    },
  },
  {
    name: 'arg_max: the value of the greatest key, later keys breaking ties, NULL keys ignored',
    async check(d, run) {
      const src = `(${rows(
        [
          ["'a'", 5, 1],
          ["'b'", 9, 1],
          ["'c'", 9, 2],
          ["'d'", null, 3],
        ],
        ['v', 'k1', 'k2'],
      )})`;
      const out = await run(
        `SELECT ${d.argMax('v', 'k1')} AS one, ${d.argMax('v', 'k1', 'k2')} AS two FROM ${src} t WHERE k1 IS NOT NULL`,
      );
      expect(out[0]?.two).toBe('c');
      expect(['b', 'c']).toContain(out[0]?.one);
    },
  },
  {
    name: 'distinct list: duplicates once, NULLs left out',
    async check(d, run) {
      const src = `(${rows([["'ana'"], ["'bo'"], ['NULL'], ["'ana'"]], ['p'])})`;
      const out = await run(
        `SELECT ${d.distinctList('p')} AS people, ${d.anyTrue("p = 'bo'")} AS has_bo FROM ${src} t`,
      );
      expect([...(out[0]?.people as string[])].sort()).toEqual(['ana', 'bo']);
      expect(out[0]?.has_bo).toBe(true);
    },
  },
  {
    name: 'sorted text: distinct values in order, NULLs left out, NULL for a group with none',
    async check(d, run) {
      const src = `(${rows(
        [
          ['1', "'opus'"],
          ['1', "'haiku'"],
          ['1', 'NULL'],
          ['1', "'opus'"],
          ['2', 'NULL'],
        ],
        ['g', 'm'],
      )})`;
      const out = await run(
        `SELECT g, ${d.sortedText('m', ', ')} AS models FROM ${src} t GROUP BY g ORDER BY g`,
      );
      expect(out.map((r) => r.models)).toEqual([['haiku', 'opus'].join(', '), null]);
    },
  },
  {
    name: 'day series over a leap day, and empty when from = until; calendar pieces',
    async check(d, run) {
      const from = d.param('from', 'Date');
      const until = d.param('until', 'Date');
      const out = await run(
        `SELECT ${d.text('day')} AS day FROM ${d.daySeries(from, until)} s ORDER BY day`,
        {
          from: '2028-02-27',
          until: '2028-03-02',
        },
      );
      expect(out.map((r) => r.day)).toEqual(['2028-02-27', '2028-02-28', '2028-02-29', '2028-03-01']);
      const none = await run(`SELECT count(*) AS n FROM ${d.daySeries(from, until)} s`, {
        from: '2028-03-02',
        until: '2028-03-02',
      });
      expect(Number(none[0]?.n)).toBe(0);
      const day = d.param('day', 'Date');
      const cal = await run(
        `SELECT ${d.text(d.weekStart(day))} AS week, ${d.text(d.monthStart(day))} AS m0, ${d.text(d.monthEnd(day))} AS m1,
           ${d.daysInMonth(day)} AS n`,
        { day: '2028-02-13' },
      );
      // 2028-02-13 is a Sunday: its ISO week began Monday 2028-02-07.
      expect(cal[0]).toEqual({ week: '2028-02-07', m0: '2028-02-01', m1: '2028-02-29', n: 29 });
    },
  },
  {
    name: 'money rounds half away from zero at the 10th decimal, products included',
    async check(d, run) {
      const inputs = ['0.00000000005', '-0.00000000005', '1.23456789014999', '123456.00000000004999'];
      const src = `(${rows(
        inputs.map((x, i) => [i, `CAST('${x}' AS DECIMAL(38,20))`]),
        ['i', 'x'],
      )})`;
      const out = await run(`SELECT i, ${d.text(d.money('x'))} AS m FROM ${src} t ORDER BY i`);
      const expected = inputs.map((x) => new Decimal(x).toDecimalPlaces(10, Decimal.ROUND_HALF_UP));
      expect(out.map((r) => new Decimal(String(r.m)).equals(expected[Number(r.i)] ?? NaN))).toEqual(
        inputs.map(() => true),
      );
      // Doubles, as the ledger's allocation makes them (an amount times a share): rounded the same way.
      const doubles = ['1.0 / 3', '2.0 / 3 * 100', '0.1 * 3', '12.5 * (7.0 / 9)'];
      const fromDoubles = await run(
        doubles.map((x, i) => `SELECT ${i} AS i, ${d.text(d.money(d.double(x)))} AS m`).join(' UNION ALL '),
      );
      const byIndex = new Map(fromDoubles.map((r) => [Number(r.i), new Decimal(String(r.m)).toString()]));
      expect([...byIndex.keys()].sort()).toEqual([0, 1, 2, 3]);
      expect(byIndex.get(0)).toBe('0.3333333333');
      expect(byIndex.get(1)).toBe('66.6666666667');
      expect(byIndex.get(2)).toBe('0.3');
      expect(byIndex.get(3)).toBe(
        new Decimal(12.5 * (7.0 / 9)).toDecimalPlaces(10, Decimal.ROUND_HALF_UP).toString(),
      );
      const times = await run(
        `SELECT ${d.text(d.moneyTimes(d.money("'1.5'"), d.money("'2.25'")))} AS a,
           ${d.text(d.moneyTimes(d.money("'0.0000000003'"), d.money("'0.5'")))} AS b`,
      );
      expect(new Decimal(String(times[0]?.a)).toString()).toBe('3.375');
      expect(new Decimal(String(times[0]?.b)).toString()).toBe('2e-10');
    },
  },
  {
    name: 'whole numbers round halves away from zero (ClickHouse’s float round goes to even); decimals at a scale round too',
    async check(d, run) {
      const xs = [2.5, -2.5, 0.5, 3.5, 1.4999, -0.6];
      const out = await run(
        xs
          .map((x, i) => `SELECT ${i} AS i, ${d.roundHalfAway(d.double(String(x)))} AS r`)
          .join(' UNION ALL '),
      );
      const byIndex = new Map(out.map((r) => [Number(r.i), Number(r.r)]));
      // C's round (DuckDB's): halves away from zero.
      expect(xs.map((_, i) => byIndex.get(i))).toEqual([3, -3, 1, 4, 1, -1]);
      const [dec] = await run(
        `SELECT ${d.text(d.decimal(d.double('2.0 / 3'), 6))} AS a, ${d.text(d.decimal("'0.0000005'", 6))} AS b`,
      );
      expect(new Decimal(String(dec?.a)).toString()).toBe('0.666667');
      expect(new Decimal(String(dec?.b)).toString()).toBe('0.000001');
    },
  },
  {
    name: 'instants as ISO text in UTC, lists of text as JSON (an empty or NULL list is NULL)',
    async check(d, run) {
      const emptyList = d.name === 'duckdb' ? 'CAST([] AS VARCHAR[])' : 'CAST([] AS Array(String))';
      const [r] = await run(
        `SELECT ${d.isoInstant(d.dayStart("CAST('2026-03-01' AS DATE)"))} AS day,
           ${d.isoInstant(d.nullOf('timestamp'))} AS none,
           ${d.listJson("['a', 'b']")} AS list, ${d.listJson(emptyList)} AS empty`,
      );
      expect(r?.day).toBe('2026-03-01T00:00:00.000Z');
      expect(r?.none).toBeNull();
      expect(JSON.parse(String(r?.list))).toEqual(['a', 'b']);
      expect(r?.empty).toBeNull();
    },
  },
  {
    name: 'an outer join’s missing side is NULL, and sums of money are exact',
    async check(d, run) {
      const left = `(${rows([[1], [2], [3]], ['k'])})`;
      const right = `(${rows(
        [
          [1, `${d.money("'0.1'")}`],
          [3, `${d.money("'0.2'")}`],
        ],
        ['k', 'v'],
      )})`;
      const out = await run(
        `SELECT count(*) FILTER (WHERE r.v IS NULL) AS missing, ${d.text('sum(r.v)')} AS total
         FROM ${left} l LEFT JOIN ${right} r ON r.k = l.k`,
      );
      expect(Number(out[0]?.missing)).toBe(1);
      expect(new Decimal(String(out[0]?.total)).toString()).toBe('0.3');
    },
  },
];

describe('dialect pieces on DuckDB', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openStore(':memory:');
  });
  afterAll(async () => db.close());
  for (const c of cases) it(c.name, () => c.check(dialectFor('duckdb'), (sql, p) => db.query(sql, p)));
});

describe.skipIf(!clickhouseAvailable())('dialect pieces on ClickHouse', () => {
  let server: TestClickHouse;
  let ch: ClickHouseSql;
  beforeAll(async () => {
    server = await startClickHouse();
    ch = ClickHouseSql.connect({
      url: server.url,
      username: 'default',
      password: '',
      database: 'default',
      display: server.url,
    });
  });
  afterAll(async () => {
    await ch.close();
    await server.stop();
  });
  for (const c of cases) it(c.name, () => c.check(dialectFor('clickhouse'), (sql, p) => ch.query(sql, p)));
});
