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
import { ADMIN_TABLES } from '../tables/admin-tables.js';
import type { TableSpec } from '../tables/columns.js';
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
    /** `async`: serve's hot path, where no lookup of stored ids precedes an insert (see appendRows). */
    private readonly inserts: InsertMode,
  ) {}

  /** Connects, creating the database and the catalog's tables when missing (a first open migrates nothing). */
  static async open(
    location: ClickHouseLocation,
    options: { inserts?: InsertMode } = {},
  ): Promise<ClickHouseStore> {
    const admin = ClickHouseSql.connect(location, { database: 'default' });
    try {
      await admin.command(`CREATE DATABASE IF NOT EXISTS ${sqlIdent(location.database)}`);
      for (const table of [...FACT_TABLES, ...DIRECTORY_TABLES, ...ADMIN_TABLES])
        await admin.command(clickhouseCreateTable(table, location.database));
      await admin.command(
        `CREATE TABLE IF NOT EXISTS ${sqlIdent(location.database)}.meta (key String, value String, _version UInt64)
         ENGINE = ReplacingMergeTree(_version) ORDER BY key`,
      );
    } finally {
      await admin.close();
    }
    const inserts = options.inserts ?? 'sync';
    const store = new ClickHouseStore(
      ClickHouseSql.connect(location, { inserts }),
      location.display,
      location.database,
      'UTC',
      inserts,
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
    const version = this.nextVersion();
    const rows = latestById(kept).map((r) => {
      // One object per row, built in place: the stored columns, then what the store derives.
      const row: Record<string, unknown> = usageRow(r);
      // The org-local day of the middle of the record's span, as the embedded store computes it.
      row.day = dayOf(new Date((r.start.getTime() + r.end.getTime()) / 2), this.timeZone);
      row.est_cost = null;
      row.cwd = null;
      row.counted = !(r.collapse?.replica ?? false);
      row._version = version;
      return row;
    });
    return { ...(await this.appendRows('usage', rows)), ...refusedOf(rejected) };
  }

  async appendOutcomes(records: readonly OutcomeRecord[]): Promise<AppendResult> {
    const { kept, rejected } = screenRecords(records, checkOutcomeRecord);
    const version = this.nextVersion();
    const rows = latestById(kept).map((r) => {
      const row: Record<string, unknown> = outcomeRow(r);
      row.day = dayOf(r.at, this.timeZone);
      row._version = version;
      return row;
    });
    return { ...(await this.appendRows('outcomes', rows)), ...refusedOf(rejected) };
  }

  /** Rows of a small keyed table (admin-tables.ts), each the newest version of its key from now on. */
  async putRows(table: TableSpec, rows: readonly Record<string, unknown>[]): Promise<void> {
    const version = this.nextVersion();
    await this.sql.insert(
      table.name,
      rows.map((r) => ({ ...r, _version: version })),
    );
  }

  /** Rebuilds the ledger for the months `range` touches, all of it by default (clickhouse/ledger-build.ts). */
  refreshLedger(options: { range?: DayRange; recordsPerRange?: number } = {}): Promise<LedgerBuild> {
    return buildClickHouseLedger(this.sql, options);
  }

  async close(): Promise<void> {
    await this.sql.close();
  }

  /**
   * Inserts rows (each carrying its `_version`). Nothing is looked up first on the async path (`serve`'s
   * receiver and the gateway): the table deduplicates ids at read, so a re-sent record changes no total
   * whether or not it is found, and a lookup before every insert cost more than the insert (it scans the id
   * column, which is not the sort key's prefix). Synchronous writers (`ingest`, `sync`, whose summaries say how
   * much was already stored) still count stored ids, without FINAL: whether an id exists needs no merge.
   */
  private async appendRows(
    table: 'usage' | 'outcomes',
    rows: Record<string, unknown>[],
  ): Promise<AppendResult> {
    if (rows.length === 0) return { written: 0, alreadyStored: 0 };
    if (this.inserts === 'async') {
      await this.sql.insert(table, rows);
      return { written: rows.length, alreadyStored: 0, alreadyStoredKnown: false };
    }
    const ids = rows.map((r) => String(r.id));
    // Asked a slice at a time: an HTTP query parameter is one form field, which the server caps (a batch of
    // 10,000 ids in one parameter is refused with "Field value too long").
    let existing = 0;
    for (let i = 0; i < ids.length; i += IDS_PER_LOOKUP) {
      const [row] = await this.sql.query(
        `SELECT uniqExact(id) AS n FROM ${sqlIdent(this.database)}.${sqlIdent(table)}
         WHERE id IN {ids:Array(String)} SETTINGS final = 0`,
        { ids: ids.slice(i, i + IDS_PER_LOOKUP) },
      );
      existing += Number(row?.n ?? 0);
    }
    await this.sql.insert(table, rows);
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
