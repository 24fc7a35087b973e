import { randomUUID } from 'node:crypto';
import { currentAcceptedTimes } from '../../domain/accepted-times.js';
import { clickhouseDialect as d } from '../sql/clickhouse-dialect.js';
import { identityViews } from '../sql/identity-views.js';
import {
  ALL_DAYS,
  inRange,
  LEDGER_RANGE_RECORDS,
  ledgerDailySelect,
  ledgerPrPartsSelect,
  ledgerPrsSelect,
  ledgerRanges,
  ledgerSelect,
  ledgerSessionsSelect,
  ledgerWeeklySelect,
  seatDaysSelect,
  usageDaysSelect,
  type DayRange,
} from '../sql/ledger-select.js';
import { PR_SESSIONS_SELECT } from '../sql/pr-sessions.js';
import { sqlIdent, sqlString } from '../sql-text.js';
import type { ClickHouseSql } from './clickhouse-sql.js';

/**
 * The ledger on ClickHouse: the same rule and the same SQL as the embedded store (sql/ledger-select.ts), stored
 * the ClickHouse way and built incrementally.
 *
 * - Every read is deduplicated (`final = 1` in the dialect's session settings), so a record written twice
 *   counts once in the ledger whether or not the background merges have run.
 * - `ledger`, `ledger_daily`, `ledger_sessions` and `usage_days` are MergeTree tables partitioned by month.
 *   A build covers whole months: each month is computed into a stage table (a range of days at a time, cut by
 *   records as on DuckDB, since every cell is one stream and day) and swapped in with `REPLACE PARTITION`,
 *   which is atomic per table and month: a reader sees the old month or the new one, never half of it.
 * - Only the months of the requested day range are rebuilt; the rest of the ledger is left as it is. Seat
 *   days, the weekly rollup and the PR tables are derived from the whole (they are small, or join across
 *   months) and are rebuilt each time with `CREATE OR REPLACE TABLE`, which is also an atomic swap.
 */

/** The shape of the ClickHouse derived tables: bump with any change of their SQL (they are then rebuilt). */
export const CLICKHOUSE_LEDGER_VERSION = 2;

/** The tables rebuilt by month, their sort keys, and how each month of them is computed. */
const MONTHLY: { table: string; orderBy: string; select: (month: DayRange) => string }[] = [
  { table: 'ledger', orderBy: 'day, stream, record_id', select: (m) => ledgerSelect(m, d) },
  { table: 'ledger_daily', orderBy: 'day', select: (m) => ledgerDailySelect(d, inRange(m, 'day')) },
  { table: 'ledger_sessions', orderBy: 'day', select: (m) => ledgerSessionsSelect(d, inRange(m, 'day')) },
  { table: 'usage_days', orderBy: 'day', select: (m) => usageDaysSelect(inRange(m, 'day')) },
];

export interface LedgerBuild {
  /** The months rebuilt, `YYYY-MM`. */
  months: string[];
  /** Statements of the allocation (ranges of days) run. */
  ranges: number;
  /** Ledger entries in the rebuilt months. */
  entries: number;
}

/** Creates the identity views over the deduplicated facts (idempotent: `CREATE OR REPLACE VIEW`). */
export async function createIdentityViews(sql: ClickHouseSql): Promise<void> {
  for (const view of identityViews(d, { usage: 'usage', outcomes: 'outcomes' })) await sql.command(view);
}

/**
 * Rebuilds the ledger for the months that `range` touches (all of it by default) and the tables derived from
 * the whole. `recordsPerRange` bounds one allocation statement (tests cut it small to exercise the cuts).
 */
export async function buildClickHouseLedger(
  sql: ClickHouseSql,
  options: { range?: DayRange; recordsPerRange?: number } = {},
): Promise<LedgerBuild> {
  await createIdentityViews(sql);
  const [version] = await sql.query("SELECT value FROM meta WHERE key = 'clickhouse_ledger_version'");
  const current = version?.value === String(CLICKHOUSE_LEDGER_VERSION);
  // Another shape of the derived tables (or none yet): drop them and build every month.
  if (!current) for (const t of MONTHLY) await sql.command(`DROP TABLE IF EXISTS ${sqlIdent(t.table)}`);
  const range = current ? (options.range ?? ALL_DAYS) : ALL_DAYS;

  await sql.command(
    `CREATE OR REPLACE TABLE seat_days ENGINE = MergeTree ORDER BY day AS ${seatDaysSelect(currentAcceptedTimes(), d)}`,
  );
  for (const t of MONTHLY) {
    await sql.command(
      `CREATE TABLE IF NOT EXISTS ${sqlIdent(t.table)} ENGINE = MergeTree PARTITION BY toYYYYMM(day)
       ORDER BY (${t.orderBy}) SETTINGS allow_nullable_key = 1 EMPTY AS ${t.select(ALL_DAYS)}`,
    );
  }

  const months = await monthsOf(sql, range);
  const perRange = options.recordsPerRange ?? LEDGER_RANGE_RECORDS;
  let ranges = 0;
  let entries = 0;
  for (const month of months) {
    const bounds = monthRange(month);
    const perDay = (
      await sql.query(
        `SELECT toString(day) AS day, count() AS records FROM usage WHERE counted AND ${inRange(bounds, 'day')}
         GROUP BY day ORDER BY day`,
      )
    ).map((r) => ({ day: String(r.day), records: Number(r.records) }));
    const cuts = ledgerRanges(perDay, perRange).map((r) => ({
      from: r.from ?? bounds.from,
      until: r.until ?? bounds.until,
    }));
    ranges += cuts.length;
    for (const t of MONTHLY) {
      const parts = t.table === 'ledger' ? cuts : [bounds];
      const n = await replaceMonth(sql, t.table, month, parts.map(t.select));
      if (t.table === 'ledger') entries += n;
    }
  }

  await sql.command(
    `CREATE OR REPLACE TABLE ledger_weekly ENGINE = MergeTree ORDER BY day SETTINGS allow_nullable_key = 1
     AS ${ledgerWeeklySelect(d)}`,
  );
  await sql.command(
    `CREATE OR REPLACE TABLE pr_sessions ENGINE = MergeTree ORDER BY pr_id AS ${PR_SESSIONS_SELECT}`,
  );
  await sql.command(
    `CREATE OR REPLACE TABLE ledger_pr_parts ENGINE = MergeTree ORDER BY (pr_id, day) AS ${ledgerPrPartsSelect(d)}`,
  );
  await sql.command(
    `CREATE OR REPLACE TABLE ledger_prs ENGINE = MergeTree ORDER BY day AS ${ledgerPrsSelect(d)}`,
  );
  if (!current)
    await sql.insert('meta', [
      {
        key: 'clickhouse_ledger_version',
        value: String(CLICKHOUSE_LEDGER_VERSION),
        _version: Date.now() * 1000,
      },
    ]);
  return { months, ranges, entries };
}

/**
 * The months `range` touches that hold anything to rebuild: usage, seat days, or ledger entries (a month whose
 * records are gone must lose its entries too). `YYYY-MM`, in order.
 */
async function monthsOf(sql: ClickHouseSql, range: DayRange): Promise<string[]> {
  const rows = await sql.query(
    `SELECT DISTINCT formatDateTime(day, '%Y-%m') AS month FROM (
       SELECT day FROM usage WHERE counted AND ${inRange(range, 'day')}
       UNION ALL SELECT day FROM seat_days WHERE ${inRange(range, 'day')}
       UNION ALL SELECT day FROM ledger WHERE ${inRange(range, 'day')}
     ) ORDER BY month`,
  );
  return rows.map((r) => String(r.month));
}

function monthRange(month: string): { from: string; until: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { from: `${month}-01`, until: `${next}-01` };
}

/**
 * Computes one month of `table` into a stage table of the same shape and swaps it in (REPLACE PARTITION, or
 * DROP PARTITION when the month has no rows any more). Returns the month's rows.
 */
async function replaceMonth(
  sql: ClickHouseSql,
  table: string,
  month: string,
  selects: readonly string[],
): Promise<number> {
  // A stage of its own per build, so two builders never write into each other's stage.
  const stage = sqlIdent(`${table}_stage_${randomUUID().replaceAll('-', '')}`);
  const partition = sqlString(month.replace('-', ''));
  await sql.command(`CREATE TABLE ${stage} AS ${sqlIdent(table)}`);
  try {
    for (const select of selects) await sql.command(`INSERT INTO ${stage} ${select}`);
    const [row] = await sql.query(`SELECT count() AS n FROM ${stage}`);
    const n = Number(row?.n ?? 0);
    if (n > 0)
      await sql.command(`ALTER TABLE ${sqlIdent(table)} REPLACE PARTITION ID ${partition} FROM ${stage}`);
    else await sql.command(`ALTER TABLE ${sqlIdent(table)} DROP PARTITION ID ${partition}`);
    return n;
  } finally {
    await sql.command(`DROP TABLE IF EXISTS ${stage}`);
  }
}
