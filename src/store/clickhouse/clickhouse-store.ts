import { currentAcceptedTimes } from '../../domain/accepted-times.js';
import type { OutcomeRecord } from '../../domain/outcome.js';
import { checkOutcomeRecord, checkUsageRecord, screenRecords } from '../../domain/record-bounds.js';
import { dayOf } from '../../domain/time.js';
import type { UsageRecord } from '../../domain/usage.js';
import type { AppendResult, RecordAppender, Row, SqlParam, StoreCounts, StoreReader } from '../db.js';
import { outcomeRow, usageRow } from '../duckdb/records.js';
import { refusedOf } from '../refused.js';
import { sqlIdent } from '../sql-text.js';
import { FACT_TABLES } from '../tables/catalog.js';
import { DIRECTORY_TABLES } from '../tables/directory-tables.js';
import type { DayRange } from '../sql/ledger-select.js';
import { buildClickHouseLedger, type LedgerBuild } from './ledger-build.js';
import { clickhouseCreateTable } from '../tables/ddl.js';
import { ClickHouseSql, type InsertMode } from './clickhouse-sql.js';
import type { ClickHouseLocation } from './location.js';

/**
 * The scale-out store on ClickHouse: the reading and appending roles (db.ts), over the catalog's fact tables
 * (tables/catalog.ts). Several `serve` and `gateway` processes may write at once: nothing is held in the
 * process, every write is an insert, and idempotency is the table's.
 *
 * Idempotent writes (docs/clickhouse.md): a record's id is deterministic (source + natural key), the tables
 * are ReplacingMergeTree keyed by (…, day, id) with a version that is the write time, and every read goes
 * through `FINAL`, which keeps the newest version of each key whether or not the background merges have run.
 * A re-ingest therefore writes a second copy that the next merge removes and that no read ever counts.
 */
export class ClickHouseStore implements StoreReader, RecordAppender {
  readonly dialect = 'clickhouse' as const;
  private lastVersion = 0;

  private constructor(
    private readonly sql: ClickHouseSql,
    readonly location: string,
    private readonly database: string,
    private timeZone: string,
  ) {}

  /** Connects, creating the database and the catalog's tables when missing (a first open migrates nothing). */
  static async open(
    location: ClickHouseLocation,
    options: { inserts?: InsertMode } = {},
  ): Promise<ClickHouseStore> {
    const admin = ClickHouseSql.connect(location, { database: 'default' });
    try {
      await admin.command(`CREATE DATABASE IF NOT EXISTS ${sqlIdent(location.database)}`);
      for (const table of [...FACT_TABLES, ...DIRECTORY_TABLES])
        await admin.command(clickhouseCreateTable(table, location.database));
      await admin.command(
        `CREATE TABLE IF NOT EXISTS ${sqlIdent(location.database)}.meta (key String, value String, _version UInt64)
         ENGINE = ReplacingMergeTree(_version) ORDER BY key`,
      );
    } finally {
      await admin.close();
    }
    const store = new ClickHouseStore(
      ClickHouseSql.connect(location, { inserts: options.inserts ?? 'sync' }),
      location.display,
      location.database,
      'UTC',
    );
    store.timeZone = (await store.getMeta('time_zone')) ?? 'UTC';
    return store;
  }

  query<T extends Row = Row>(sql: string, params: Record<string, SqlParam> = {}): Promise<T[]> {
    return this.sql.query<T>(sql, params);
  }

  async counts(): Promise<StoreCounts> {
    const [row] = await this.sql.query(
      'SELECT (SELECT count() FROM usage FINAL WHERE counted) AS usage, (SELECT count() FROM outcomes FINAL) AS outcomes',
    );
    return { usage: Number(row?.usage ?? 0), outcomes: Number(row?.outcomes ?? 0), people: 0 };
  }

  async getMeta(key: string): Promise<string | null> {
    const [row] = await this.sql.query('SELECT value FROM meta FINAL WHERE key = {key:String}', { key });
    return row ? String(row.value) : null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.sql.insert('meta', [{ key, value, _version: this.nextVersion() }]);
    if (key === 'time_zone') this.timeZone = value;
  }

  async appendUsage(records: readonly UsageRecord[]): Promise<AppendResult> {
    const times = currentAcceptedTimes();
    const { kept, rejected } = screenRecords(records, (r) => checkUsageRecord(r, times));
    const rows = latestById(kept).map((r) => ({
      ...usageRow(r),
      // The org-local day of the middle of the record's span, as the embedded store computes it.
      day: dayOf(new Date((r.start.getTime() + r.end.getTime()) / 2), this.timeZone),
      est_cost: null,
      cwd: null,
      counted: !(r.collapse?.replica ?? false),
    }));
    return { ...(await this.appendRows('usage', rows)), ...refusedOf(rejected) };
  }

  async appendOutcomes(records: readonly OutcomeRecord[]): Promise<AppendResult> {
    const { kept, rejected } = screenRecords(records, checkOutcomeRecord);
    const rows = latestById(kept).map((r) => ({ ...outcomeRow(r), day: dayOf(r.at, this.timeZone) }));
    return { ...(await this.appendRows('outcomes', rows)), ...refusedOf(rejected) };
  }

  /** Rebuilds the ledger for the months `range` touches, all of it by default (clickhouse/ledger-build.ts). */
  refreshLedger(options: { range?: DayRange; recordsPerRange?: number } = {}): Promise<LedgerBuild> {
    return buildClickHouseLedger(this.sql, options);
  }

  async close(): Promise<void> {
    await this.sql.close();
  }

  private async appendRows(
    table: 'usage' | 'outcomes',
    rows: Record<string, unknown>[],
  ): Promise<AppendResult> {
    if (rows.length === 0) return { written: 0, alreadyStored: 0 };
    const ids = rows.map((r) => String(r.id));
    // Asked a slice at a time: an HTTP query parameter is one form field, which the server caps (a batch of
    // 10,000 ids in one parameter is refused with "Field value too long").
    let existing = 0;
    for (let i = 0; i < ids.length; i += IDS_PER_LOOKUP) {
      const [row] = await this.sql.query(
        `SELECT count() AS n FROM ${sqlIdent(this.database)}.${sqlIdent(table)} FINAL WHERE id IN {ids:Array(String)}`,
        { ids: ids.slice(i, i + IDS_PER_LOOKUP) },
      );
      existing += Number(row?.n ?? 0);
    }
    const version = this.nextVersion();
    await this.sql.insert(
      table,
      rows.map((r) => ({ ...r, _version: version })),
    );
    return { written: rows.length, alreadyStored: existing };
  }

  /** Microseconds since the epoch, strictly increasing within this process: a later write always wins. */
  private nextVersion(): number {
    this.lastVersion = Math.max(this.lastVersion + 1, Date.now() * 1000);
    return this.lastVersion;
  }
}

/** Ids per lookup of stored ids: well under the server's form-field cap at any id length Mileage makes. */
const IDS_PER_LOOKUP = 1000;

/** One record per id, the batch's last (duplicates within a batch collapse, as in the embedded store). */
function latestById<T extends { id: string }>(records: readonly T[]): T[] {
  return [...new Map(records.map((r) => [r.id, r])).values()];
}
