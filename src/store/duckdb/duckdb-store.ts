import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { duckdb } from './driver.js';
import type { OrgDirectory } from '../../domain/directory.js';
import { MileageError } from '../../domain/errors.js';
import { currentAcceptedTimes } from '../../domain/accepted-times.js';
import { repositoryKey } from '../../domain/repository.js';
import type { DeliveryUnitKind, OutcomeRecord } from '../../domain/outcome.js';
import {
  checkOutcomeRecord,
  checkSeatActivity,
  checkSeatRecord,
  checkUsageRecord,
  screenRecords,
} from '../../domain/record-bounds.js';
import type { SeatActivity, SeatRecord } from '../../domain/seat.js';
import type { AbsenceRecord } from '../../domain/capacity.js';
import { isValidTimeZone } from '../../domain/time.js';
import type { UsageRecord } from '../../domain/usage.js';
import type {
  DimensionGap,
  AppendResult,
  AppliedPrice,
  Db,
  FocusExport,
  FocusExportResult,
  FocusFileLoad,
  FocusFileResult,
  PricingTarget,
  Row,
  SqlParam,
  StoreCounts,
  UnpricedModel,
  StoredModel,
  StoredUsage,
  UsageSelector,
  UsageFileLoad,
  UsageFileResult,
} from '../db.js';
import type { AgentLogStore } from '../agent-logs.js';
import { refusedOf } from '../refused.js';
import { sqlIdent } from '../sql-text.js';
import { directoryRows } from '../tables/directory-rows.js';
import { DIRECTORY_TABLES } from '../tables/directory-tables.js';
import { DUCKDB_TYPES } from '../tables/columns.js';
import { SCAN_PART_BYTES } from './claude-transcripts.js';
import { DuckAgentLogStore, recountSql } from './agent-requests.js';
import { DIMENSION_GAPS_SQL } from './dimensions.js';
import { findUsageSql, storedModelOf, storedUsageOf, USAGE_MODELS_SQL } from './usage-lookup.js';
import { focusExportSelect } from './focus-export.js';
import { FOCUS_REQUIRED, focusReaderSql, focusStageSql } from './focus-import.js';
import {
  ALL_DAYS,
  LEDGER_PRS_SQL,
  LEDGER_RANGE_RECORDS,
  LEDGER_ROLLUPS_SQL,
  LEDGER_VERSION,
  RECORDS_PER_DAY_SQL,
  seatDaysSql,
  ledgerRanges,
  ledgerSelect,
} from './ledger.js';
import { ReadPool } from './read-pool.js';
import { OUTCOME_JSON_COLUMNS, USAGE_JSON_COLUMNS, outcomeRow, usageCsv } from './records.js';
import { outcomeLinksSql } from './outcome-links.js';
import {
  estimateSql,
  PRICING_TARGET_SQL,
  priceableSql,
  priceJoinSql,
  priceRatesJson,
  priceRatesSql,
  pricingTargetOf,
} from './price-rates.js';
import { CLEAR_REJECTS_SQL, fixLineNumbersSql, REJECTED_LINES_SQL } from './file-rejects.js';
import { QUARANTINE_TABLE_SQL, quarantineReasons, quarantineSql } from './quarantine.js';
import { MIGRATIONS } from './schema.js';
import { rekeyRepositories } from './repository-keys.js';
import { appendSeatActivity, appendSeats, type SeatStoreIo } from './seats.js';
import { appendAbsences } from './absences.js';
import { columnsSpec, csvReader, sqlString } from './sql.js';
import { JSONL_KEYS_SQL, jsonlColumnsSql, rawUsageFileSql, stageUsageFileSql } from './usage-file.js';
import { toSqlValue } from './values.js';
import { IDENTITY_VIEWS } from './views.js';

export interface StoreOptions {
  /** Connections that serve reads side by side (see read-pool.ts). */
  readConnections?: number;
  /**
   * Cap DuckDB's memory for a one-shot job on a laptop (`ingest claude-code`): see boundMemory. Left
   * unbounded, DuckDB keeps whatever it touched cached (1.5 GB for a 1.4 GB transcript corpus).
   */
  boundedMemory?: boolean;
  /**
   * Leave a ledger marked stale as it is at open (see deferLedgerRefresh): for a one-shot ingest, which
   * would otherwise recompute it twice, once at open and once after its own records.
   */
  deferLedger?: boolean;
  /** Transcript bytes per statement of the bulk reader (default SCAN_PART_BYTES; tests cut it small). */
  scanPartBytes?: number;
}

/**
 * A bounded store's memory limit: MIN_MEMORY, or more with the records stored, so the ledger rebuild of a
 * large store keeps room (its working set grows with the records; beyond the limit DuckDB spills to disk).
 * The process holds much more than the bound at its peak (Node, DuckDB's own buffers): on the 1.44 GB bench
 * corpus, 192 MiB gave a peak of 547–592 MB in five runs, 224 MiB 579–630 MB, at the same speed; 160 MiB
 * was slower and higher (600–700 MB), its statements running out of the bound and again with twice it.
 */
export const MIN_MEMORY_BYTES = 192 * 1024 * 1024;
const MEMORY_BYTES_PER_RECORD = 1024;
/** What a bounded store keeps when it sheds its memory between two steps of a job (see shedMemory). */
const SHED_MEMORY_BYTES = 64 * 1024 * 1024;

/**
 * Three readers beside the writer: four statements at once is what Node's default libuv pool (4 threads)
 * runs side by side, and on two cores more would only queue inside DuckDB.
 */
const DEFAULT_READ_CONNECTIONS = 3;

/** DuckDB's display of a size ('18.8 GiB', '320.0 MiB') in bytes; null when unreadable. */
function parseSize(text: string): number | null {
  const m = /^([\d.]+)\s*([KMGT]i?B|bytes)$/.exec(text.trim());
  if (!m) return null;
  const unit = { bytes: 0, KB: 1, KiB: 1, MB: 2, MiB: 2, GB: 3, GiB: 3, TB: 4, TiB: 4 }[m[2] ?? 'bytes'] ?? 0;
  return Number(m[1]) * 1024 ** unit;
}

/** Settings every connection of the store starts with. */
const SESSION_SETUP = "SET TimeZone = 'UTC'";

/**
 * A statement that only reads, so any connection may run it. Anything else, or a read that mentions a
 * writing keyword, goes to the writer: a wrong guess costs only concurrency, never correctness.
 */
function isReadOnly(sql: string): boolean {
  return (
    /^\s*(SELECT|WITH|FROM|DESCRIBE|SUMMARIZE|EXPLAIN)\b/i.test(sql) &&
    !/\b(INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|COPY|ATTACH|CHECKPOINT|SET|TEMP)\b/i.test(sql)
  );
}

/** Runs one statement on `conn` and converts its rows (see SqlValue). */
async function select<T extends Row>(
  conn: DuckDBConnection,
  sql: string,
  params: Record<string, SqlParam>,
): Promise<T[]> {
  // DuckDB rejects bind values the statement does not use, so pass only the referenced ones.
  const used: Record<string, SqlParam> = {};
  for (const [name, value] of Object.entries(params)) {
    if (new RegExp(`\\$${name}\\b`).test(sql)) used[name] = value;
  }
  const reader = await conn.runAndReadAll(sql, used);
  const names = reader.columnNames();
  return reader.getRows().map((values) => {
    const row: Row = {};
    names.forEach((name, i) => {
      row[name] = toSqlValue(values[i] ?? null);
    });
    return row as T;
  });
}

export class DuckDbStore implements Db {
  readonly dialect = 'duckdb' as const;
  private timeZone = 'UTC';
  readonly agentLogs: AgentLogStore = new DuckAgentLogStore({
    run: (sql) => this.run(sql),
    query: (sql, params) => this.writerQuery(sql, params),
    withTempFile: (name, text, use) => this.withTempFile(name, text, use),
    localDay: (column) => this.localDay(column),
    growMemory: () => this.growMemory(),
    shedMemory: () => this.shedMemory(),
    scanPartBytes: () => this.scanPartBytes,
  });

  private scanPartBytes = SCAN_PART_BYTES;

  private constructor(
    readonly location: string,
    private readonly instance: DuckDBInstance,
    /** The one connection that writes (and reads what a write needs, such as its temp tables). */
    private readonly conn: DuckDBConnection,
    private readonly readers: ReadPool,
  ) {}

  /**
   * Opens (creating when needed) a store file, or `:memory:`, and brings its schema up to date. Reads run on
   * `readConnections` connections of their own (default 3; see read-pool.ts), writes on one.
   */
  static async open(location: string, options: StoreOptions = {}): Promise<DuckDbStore> {
    if (location !== ':memory:') await mkdir(dirname(location), { recursive: true });
    let instance: DuckDBInstance;
    try {
      instance = await duckdb.DuckDBInstance.create(location);
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      if (/lock/i.test(message)) {
        throw new MileageError(
          'conflict',
          `the store ${location} is in use by another process`,
          'If `mileage serve` is running, use its API or stop it first; or point --db at another file.',
          { cause },
        );
      }
      throw new MileageError('internal', `cannot open the store ${location}: ${message}`, undefined, {
        cause,
      });
    }
    const conn = await instance.connect();
    await conn.run(SESSION_SETUP);
    const readers = await ReadPool.open(instance, options.readConnections ?? DEFAULT_READ_CONNECTIONS, (c) =>
      c.run(SESSION_SETUP).then(() => undefined),
    );
    const store = new DuckDbStore(location, instance, conn, readers);
    if (options.scanPartBytes !== undefined) store.scanPartBytes = options.scanPartBytes;
    await store.migrate();
    await rekeyRepositories({
      run: (sql) => store.run(sql),
      query: (sql, params) => store.writerQuery(sql, params),
    });
    store.timeZone = (await store.getMeta('time_zone')) ?? 'UTC';
    await store.run(IDENTITY_VIEWS);
    if (options.boundedMemory) await store.boundMemory();
    await store.ensureCurrentLedger(options.deferLedger === true);
    return store;
  }

  /** Sets DuckDB's memory limit for a bounded store; never above the default (80% of the machine's memory). */
  private async boundMemory(): Promise<void> {
    const [row] = await this.writerQuery(
      "SELECT (SELECT count(*) FROM usage) AS records, (SELECT value FROM duckdb_settings() WHERE name = 'memory_limit') AS current",
    );
    const bytes = Math.max(MIN_MEMORY_BYTES, Number(row?.records ?? 0) * MEMORY_BYTES_PER_RECORD);
    const current = parseSize(String(row?.current ?? ''));
    if (current !== null && bytes >= current) return;
    this.memoryBound = { bytes, ceiling: current };
    await this.setMemoryLimit(bytes);
  }

  /** The bound set by boundMemory, and the machine's default it may not exceed (null: unknown). */
  private memoryBound: { bytes: number; ceiling: number | null } | null = null;

  /** Doubles the bound for work that proved to need more (see DuckHost.growMemory). */
  private async growMemory(): Promise<boolean> {
    const bound = this.memoryBound;
    if (!bound) return false;
    const bytes = bound.ceiling === null ? bound.bytes * 2 : Math.min(bound.bytes * 2, bound.ceiling);
    if (bytes <= bound.bytes) return false;
    this.memoryBound = { ...bound, bytes };
    await this.setMemoryLimit(bytes);
    return true;
  }

  /**
   * Lowers a bounded store's limit to SHED_MEMORY_BYTES and back: DuckDB evicts down to the lower limit
   * (temp tables to the temp file) and frees what it evicted at once.
   */
  private async shedMemory(): Promise<void> {
    const bound = this.memoryBound;
    if (!bound) return;
    await this.setMemoryLimit(SHED_MEMORY_BYTES);
    await this.setMemoryLimit(bound.bytes);
  }

  private async setMemoryLimit(bytes: number): Promise<void> {
    await this.run(`SET memory_limit = ${sqlString(`${Math.round(bytes / 1024 / 1024)}MiB`)}`);
  }

  private async run(sql: string): Promise<void> {
    await this.conn.run(sql);
  }

  migrationsApplied: readonly number[] = [];

  private async migrate(): Promise<void> {
    await this.run(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)',
    );
    const applied = new Set(
      (await this.writerQuery('SELECT version FROM schema_migrations')).map((r) => r.version),
    );
    // A store with no migration yet is new: bringing it to the current schema upgrades nothing, and it is
    // created in one script and one commit (opening a new store: 0.18 s of CPU with a commit per migration,
    // 0.12 s so).
    if (applied.size === 0) return this.createSchema();
    const done: number[] = [];
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      done.push(m.version);
      await this.run('BEGIN TRANSACTION');
      try {
        await this.run(m.sql);
        await this.conn.run('INSERT INTO schema_migrations VALUES ($v, $n, now())', {
          v: m.version,
          n: m.name,
        });
        await this.run('COMMIT');
      } catch (cause) {
        await this.run('ROLLBACK');
        throw new MileageError('internal', `schema migration ${m.version} (${m.name}) failed`, undefined, {
          cause,
        });
      }
    }
    this.migrationsApplied = done;
  }

  /** A new store's whole schema: every migration in order, in one transaction. */
  private async createSchema(): Promise<void> {
    const recorded = MIGRATIONS.map((m) => `(${m.version}, ${sqlString(m.name)}, now())`).join(', ');
    try {
      await this.run(
        `BEGIN TRANSACTION;\n${MIGRATIONS.map((m) => m.sql).join(';\n')};\nINSERT INTO schema_migrations VALUES ${recorded};\nCOMMIT`,
      );
    } catch (cause) {
      await this.run('ROLLBACK').catch(() => undefined);
      throw new MileageError('internal', 'creating the store schema failed', undefined, { cause });
    }
  }

  /** Reads run on the read connections; anything else (a token insert, an update) on the writer's. */
  query<T extends Row = Row>(sql: string, params: Record<string, SqlParam> = {}): Promise<T[]> {
    if (!isReadOnly(sql)) return this.writerQuery<T>(sql, params);
    return this.readers.use((conn) => select<T>(conn, sql, params));
  }

  /** A statement on the writer's connection: the store's own work, which may read its temp tables. */
  private writerQuery<T extends Row = Row>(sql: string, params: Record<string, SqlParam> = {}): Promise<T[]> {
    return select<T>(this.conn, sql, params);
  }

  /** The org-local calendar day of a UTC instant column. */
  private localDay(column: string): string {
    return `CAST(timezone(${sqlString(this.timeZone)}, ${column}) AS DATE)`;
  }

  /**
   * A usage record's day: the org-local day of the middle of its span. For a request that is its start; for
   * a vendor's UTC day bucket it is the day most of the bucket falls on — by its start, every UTC-day bucket
   * would land on the day before in any time zone west of UTC, a day early against the logs it is allocated to.
   */
  private usageDay(): string {
    return this.localDay('to_timestamp((epoch(start_at) + epoch(end_at)) / 2)');
  }

  private async withTempFile<T>(name: string, text: string, use: (path: string) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(join(tmpdir(), 'mileage-'));
    const path = join(dir, name);
    try {
      await writeFile(path, text);
      return await use(path);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private withTempJson<T>(rows: unknown[], use: (path: string) => Promise<T>): Promise<T> {
    return this.withTempFile('batch.jsonl', rows.map((r) => JSON.stringify(r)).join('\n') + '\n', use);
  }

  /**
   * Idempotent append: records go through DuckDB's own JSON reader (much faster than row-by-row inserts),
   * duplicates within the batch collapse, and a stored id is replaced by its newer version — so ingesting
   * the same records again changes no total.
   */
  private async appendStaged(
    table: 'usage' | 'outcomes',
    reader: string,
    dayOf: string,
  ): Promise<AppendResult> {
    await this.run(
      `CREATE OR REPLACE TEMP TABLE staging AS SELECT *, ${dayOf} AS day FROM ${reader} QUALIFY row_number() OVER (PARTITION BY id) = 1`,
    );
    const [existing] = await this.writerQuery(
      `SELECT count(*) AS n FROM staging s JOIN ${table} t USING (id)`,
    );
    const [total] = await this.writerQuery('SELECT count(*) AS n FROM staging');
    if (table === 'usage') {
      await this.replaceUsage('staging');
      await this.run(recountSql('staging'));
    } else await this.run(`INSERT OR REPLACE INTO ${table} BY NAME SELECT * FROM staging`);
    await this.run('DROP TABLE staging');
    return { written: Number(total?.n ?? 0), alreadyStored: Number(existing?.n ?? 0) };
  }

  /**
   * Idempotent append: records go through DuckDB's own file readers (much faster than row-by-row inserts),
   * duplicates within the batch collapse, and a stored id is replaced by its newer version — so ingesting
   * the same records again changes no total.
   */
  async appendUsage(records: readonly UsageRecord[]): Promise<AppendResult> {
    // The last gate: a record out of bounds never reaches a table it could overflow (domain/record-bounds.ts).
    const times = currentAcceptedTimes();
    const { kept, rejected } = screenRecords(records, (r) => checkUsageRecord(r, times));
    if (kept.length === 0) return { written: 0, alreadyStored: 0, ...refusedOf(rejected) };
    const result = await this.withTempFile('batch.csv', usageCsv(kept), (path) =>
      this.appendStaged('usage', csvReader(path, USAGE_JSON_COLUMNS), this.usageDay()),
    );
    return { ...result, ...refusedOf(rejected) };
  }

  async appendOutcomes(records: readonly OutcomeRecord[]): Promise<AppendResult> {
    const { kept, rejected } = screenRecords(records, checkOutcomeRecord);
    if (kept.length === 0) return { written: 0, alreadyStored: 0, ...refusedOf(rejected) };
    const result = await this.withTempJson(kept.map(outcomeRow), (path) =>
      this.appendStaged(
        'outcomes',
        `read_json(${sqlString(path)}, format = 'newline_delimited', columns = ${columnsSpec(OUTCOME_JSON_COLUMNS)})`,
        this.localDay('occurred_at'),
      ),
    );
    return { ...result, ...refusedOf(rejected) };
  }

  async setDeliveryKind(repo: string, unitKind: DeliveryUnitKind, kind: string): Promise<number> {
    const params = { repo, unitKind, kind };
    const where = 'repo = $repo AND unit_kind = $unitKind AND kind <> $kind';
    const [row] = await this.writerQuery(`SELECT count(*) AS n FROM outcomes WHERE ${where}`, params);
    const n = Number(row?.n ?? 0);
    if (n > 0) await this.conn.run(`UPDATE outcomes SET kind = $kind WHERE ${where}`, params);
    return n;
  }

  private get seatIo(): SeatStoreIo {
    return {
      run: (sql) => this.run(sql),
      query: (sql, params) => this.writerQuery(sql, params),
      withTempFile: (name, text, use) => this.withTempFile(name, text, use),
    };
  }

  async appendSeats(records: readonly SeatRecord[]): Promise<AppendResult> {
    const { kept, rejected } = screenRecords(records, checkSeatRecord);
    return { ...(await appendSeats(this.seatIo, kept)), ...refusedOf(rejected) };
  }

  async appendSeatActivity(rows: readonly SeatActivity[]): Promise<AppendResult> {
    const { kept, rejected } = screenRecords(rows, checkSeatActivity);
    return { ...(await appendSeatActivity(this.seatIo, kept)), ...refusedOf(rejected) };
  }

  appendAbsences(records: readonly AbsenceRecord[]): Promise<AppendResult> {
    return appendAbsences(
      {
        exec: async (sql, params) => {
          await this.conn.run(sql, params);
        },
        query: (sql, params) => this.writerQuery(sql, params),
      },
      records,
    );
  }

  async loadUsageFile(load: UsageFileLoad): Promise<UsageFileResult> {
    for (const sql of CLEAR_REJECTS_SQL) await this.run(sql);
    try {
      await this.run(rawUsageFileSql(load));
    } catch (cause) {
      throw this.unreadable(load.name ?? load.path, load.format, cause);
    }
    // Lines the reader could not split (file-rejects.ts): one rejected row each, the rest load.
    const unsplit = await this.fileRejects(load.format === 'jsonl' ? 'raw_lines' : 'raw_file', load.format);
    if (load.format === 'jsonl') {
      // One column per key seen in any line, read from each line's JSON object.
      const keys = (await this.writerQuery(JSONL_KEYS_SQL)).map((r) => String(r.k));
      await this.run(jsonlColumnsSql(keys));
    }
    const fileColumns = (await this.writerQuery('DESCRIBE raw_file')).map((r) => String(r.column_name));
    const absent = Object.entries(load.columns ?? {}).filter(([, column]) => !fileColumns.includes(column));
    if (absent.length) {
      await this.run('DROP TABLE IF EXISTS raw_lines');
      await this.run('DROP TABLE raw_file');
      const listed = fileColumns.filter((c) => c !== 'line' && !c.startsWith('__')).join(', ');
      throw new MileageError(
        'input',
        `${load.name ?? load.path}: no column ${absent.map(([field, column]) => `"${column}" (mapped to ${field})`).join(', ')}; the file has: ${listed}`,
      );
    }
    const sql = stageUsageFileSql(load, fileColumns, (c) => this.localDay(c), currentAcceptedTimes());
    await this.run(sql.checkedSql);
    const rejected = [
      ...unsplit,
      ...(await this.writerQuery(sql.rejectedSql)).map((r) => ({
        line: Number(r.line),
        field: (r.field as string | null) ?? null,
        message: String(r.message),
      })),
    ].sort((a, b) => a.line - b.line);
    await this.run(sql.stageSql);
    await this.keyRepositories('staging');
    const [existing] = await this.writerQuery('SELECT count(*) AS n FROM staging s JOIN usage t USING (id)');
    const [total] = await this.writerQuery('SELECT count(*) AS n FROM staging');
    await this.replaceUsage('staging');
    for (const t of ['staging', 'checked', 'raw_file', 'raw_lines'])
      await this.run(`DROP TABLE IF EXISTS ${t}`);
    return { written: Number(total?.n ?? 0), alreadyStored: Number(existing?.n ?? 0), rejected };
  }

  /**
   * A staged file names repositories as its writer did (`Acme/Billing`, a remote URL): each distinct name
   * is replaced by its key (domain/repository.ts), as every other source's records are, so they join.
   */
  private async keyRepositories(table: string): Promise<void> {
    const names = await this.writerQuery(`SELECT DISTINCT repo FROM ${table} WHERE repo IS NOT NULL`);
    for (const { repo } of names) {
      const from = String(repo);
      const to = repositoryKey(from);
      if (to !== from)
        await this.writerQuery(`UPDATE ${table} SET repo = $to WHERE repo = $from`, { from, to });
    }
  }

  /** A file the reader cannot read at all: an input error naming it, never the server's temp path alone. */
  private unreadable(path: string, format: string, cause: unknown): MileageError {
    const message = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    return new MileageError('input', `${path}: cannot read as ${format}: ${message}`, undefined, { cause });
  }

  /**
   * The lines a CSV read set aside (file-rejects.ts), with the kept rows' line numbers corrected in `table`;
   * then the rejects tables are dropped. Parquet has none.
   */
  private async fileRejects(
    table: string,
    format: string,
  ): Promise<{ line: number; field: string | null; message: string }[]> {
    if (format === 'parquet') return [];
    await this.run(fixLineNumbersSql(table, format === 'csv' ? 1 : 0));
    const rows = await this.writerQuery(REJECTED_LINES_SQL);
    for (const sql of CLEAR_REJECTS_SQL) await this.run(sql);
    return rows.map((r) => ({
      line: Number(r.line),
      field: format === 'jsonl' ? null : ((r.field as string | null) ?? null),
      message: String(r.message),
    }));
  }

  async loadFocusFile(load: FocusFileLoad): Promise<FocusFileResult> {
    for (const sql of CLEAR_REJECTS_SQL) await this.run(sql);
    try {
      // Line numbers count the CSV header as line 1, as in every other Mileage error.
      const offset = load.format === 'csv' ? 1 : 0;
      await this.run(
        `CREATE OR REPLACE TEMP TABLE raw_file AS SELECT *, CAST(row_number() OVER () + ${offset} AS BIGINT) AS line FROM ${focusReaderSql(load.format, load.path)}`,
      );
    } catch (cause) {
      const message = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
      throw new MileageError('input', `${load.path}: cannot read as ${load.format}: ${message}`, undefined, {
        cause,
      });
    }
    const unsplit = await this.fileRejects('raw_file', load.format);
    const fileColumns = (await this.writerQuery('DESCRIBE raw_file')).map((r) => String(r.column_name));
    const costColumn = load.cost === 'effective' ? 'EffectiveCost' : 'BilledCost';
    const missing = [...FOCUS_REQUIRED.filter((c) => c !== 'BilledCost'), costColumn].filter(
      (c) => !fileColumns.includes(c),
    );
    if (missing.length) {
      await this.run('DROP TABLE raw_file');
      throw new MileageError(
        'input',
        `${load.path}: not a FOCUS cost-and-usage file: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      );
    }
    const sql = focusStageSql(fileColumns, costColumn, (c) => this.localDay(c), currentAcceptedTimes());
    await this.run(sql.checkedSql);
    const rejected = [
      ...unsplit,
      ...(await this.writerQuery(sql.rejectedSql)).map((r) => ({
        line: Number(r.line),
        field: (r.field as string | null) ?? null,
        message: String(r.message),
      })),
    ].sort((a, b) => a.line - b.line);
    const [skipped] = await this.writerQuery(sql.skippedSql);
    await this.run(sql.stageSql);
    await this.keyRepositories('staging');
    const [existing] = await this.writerQuery('SELECT count(*) AS n FROM staging s JOIN usage t USING (id)');
    const [total] = await this.writerQuery('SELECT count(*) AS n FROM staging');
    await this.replaceUsage('staging');
    for (const t of ['staging', 'checked', 'raw_file']) await this.run(`DROP TABLE ${t}`);
    return {
      written: Number(total?.n ?? 0),
      alreadyStored: Number(existing?.n ?? 0),
      rejected,
      skipped: Number(skipped?.n ?? 0),
    };
  }

  async exportFocus(out: FocusExport): Promise<FocusExportResult> {
    const params = { since: out.since, until: out.until };
    const select = focusExportSelect(this.timeZone, sqlString, out.format === 'parquet', out.namesPeople);
    await this.conn.run(`CREATE OR REPLACE TEMP TABLE focus_out AS ${select}`, {
      ...params,
      min_group: out.minGroupSize,
    });
    const [summary] = await this.writerQuery(
      `SELECT count(*) AS n, CAST(coalesce(sum(CAST(BilledCost AS DECIMAL(18,10))), 0) AS VARCHAR) AS total FROM focus_out`,
    );
    const [unpriced] = await this.writerQuery(
      `SELECT count(*) AS n FROM ledger WHERE unpriced AND ($since IS NULL OR day >= CAST($since AS DATE)) AND ($until IS NULL OR day < CAST($until AS DATE))`,
      params,
    );
    const options = out.format === 'parquet' ? 'FORMAT parquet' : 'FORMAT csv, HEADER true';
    await this.run(`COPY focus_out TO ${sqlString(out.path)} (${options})`);
    await this.run('DROP TABLE focus_out');
    return {
      rows: Number(summary?.n ?? 0),
      total: String(summary?.total ?? '0'),
      unpriced: Number(unpriced?.n ?? 0),
    };
  }

  async loadDirectory(dir: OrgDirectory): Promise<void> {
    if (!isValidTimeZone(dir.timeZone)) {
      throw new MileageError(
        'config',
        `unknown time zone "${dir.timeZone}"`,
        'Use an IANA name such as Europe/Berlin.',
      );
    }
    const rows = directoryRows(dir);
    await this.run('BEGIN TRANSACTION');
    try {
      for (const [table, data] of Object.entries(rows)) {
        await this.run(`DELETE FROM ${sqlIdent(table)}`);
        if (data.length === 0) continue;
        const spec = DIRECTORY_TABLES.find((t) => t.name === table);
        const columns = Object.fromEntries((spec?.columns ?? []).map((c) => [c.name, DUCKDB_TYPES[c.type]]));
        await this.withTempJson(data, (path) =>
          this.run(
            `INSERT INTO ${sqlIdent(table)} BY NAME SELECT * FROM read_json(${sqlString(path)}, format = 'newline_delimited', columns = ${columnsSpec(columns)})`,
          ),
        );
      }
      await this.run('COMMIT');
    } catch (cause) {
      await this.run('ROLLBACK');
      throw new MileageError('internal', 'could not load the org directory into the store', undefined, {
        cause,
      });
    }
    if (dir.timeZone !== this.timeZone) {
      this.timeZone = dir.timeZone;
      await this.setMeta('time_zone', dir.timeZone);
      // Days are the org's calendar days: re-derive them when the time zone changes.
      await this.run(`UPDATE usage SET day = ${this.usageDay()}`);
      await this.run(`UPDATE outcomes SET day = ${this.localDay('occurred_at')}`);
    }
    await this.setMeta('org', dir.org);
    await this.setMeta('privacy_individuals', dir.privacy.individuals);
    await this.setMeta('privacy_min_group_size', String(dir.privacy.minGroupSize));
    await this.setMeta('workload_bands', JSON.stringify(dir.workloadBands ?? []));
  }

  async pricingTargets(onlyUnpriced: boolean): Promise<PricingTarget[]> {
    await this.quarantineOutOfBounds();
    const rows = await this.writerQuery(
      `SELECT DISTINCT ${PRICING_TARGET_SQL} FROM usage
       WHERE ${priceableSql('usage')}
       ${onlyUnpriced ? "AND ((cost_basis = 'list_estimate' AND cost IS NULL) OR (cost_basis <> 'list_estimate' AND est_cost IS NULL))" : ''}`,
    );
    return rows.map(pricingTargetOf);
  }

  async applyPrices(prices: readonly AppliedPrice[]): Promise<number> {
    if (prices.length === 0) return 0;
    return this.withTempFile('rates.jsonl', priceRatesJson(prices), async (path) => {
      await this.run(priceRatesSql(path));
      await this.run(`
        CREATE OR REPLACE TEMP TABLE priced AS
        SELECT u.id, ${estimateSql('u', 'p')} AS est, p.ref FROM usage u JOIN price_rates p ON ${priceJoinSql('u', 'p')}`);
      await this.run(`
        UPDATE usage SET est_cost = priced.est,
          cost = CASE WHEN usage.cost_basis = 'list_estimate' THEN priced.est ELSE usage.cost END,
          price_ref = CASE WHEN usage.cost_basis = 'list_estimate' THEN priced.ref ELSE usage.price_ref END
        FROM priced WHERE usage.id = priced.id`);
      const [n] = await this.writerQuery('SELECT count(*) AS n FROM priced');
      await this.run('DROP TABLE priced');
      await this.run('DROP TABLE price_rates');
      return Number(n?.n ?? 0);
    });
  }

  async clearListPrices(): Promise<void> {
    await this.run(`UPDATE usage SET est_cost = NULL,
      cost = CASE WHEN cost_basis = 'list_estimate' THEN NULL ELSE cost END,
      price_ref = CASE WHEN cost_basis = 'list_estimate' THEN NULL ELSE price_ref END`);
  }

  async dimensionGaps(): Promise<DimensionGap[]> {
    const rows = await this.writerQuery(DIMENSION_GAPS_SQL);
    return rows.map((r) => ({
      source: String(r.source),
      records: Number(r.records),
      firstDay: String(r.first_day),
      lastDay: String(r.last_day),
      missing: String(r.missing ?? '')
        .split('|')
        .filter((m) => m !== ''),
    }));
  }

  async findUsage(select: UsageSelector, limit: number): Promise<StoredUsage[]> {
    const { sql, params } = findUsageSql(select, limit);
    return (await this.query(sql, params)).map(storedUsageOf);
  }

  async usageModels(): Promise<StoredModel[]> {
    return (await this.query(USAGE_MODELS_SQL)).map(storedModelOf);
  }

  async unpricedModels(): Promise<UnpricedModel[]> {
    const rows = await this.writerQuery(`
      SELECT provider, model, count(*) AS records, sum(input_tokens) AS input, sum(cache_read_tokens) AS cache_read,
        sum(cache_write_tokens) AS cache_write, sum(output_tokens) AS output
      FROM usage WHERE cost IS NULL AND model IS NOT NULL
      GROUP BY provider, model ORDER BY sum(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens) DESC`);
    return rows.map((r) => ({
      provider: (r.provider as string | null) ?? null,
      model: String(r.model),
      records: Number(r.records),
      input: Number(r.input),
      cacheRead: Number(r.cache_read),
      cacheWrite: Number(r.cache_write),
      output: Number(r.output),
    }));
  }

  /** usage has no primary key (see migration 2): a writer replaces the ids it writes, atomically. */
  private async replaceUsage(staged: string): Promise<void> {
    await this.run('BEGIN TRANSACTION');
    try {
      await this.run(`DELETE FROM usage WHERE id IN (SELECT id FROM ${staged})`);
      await this.run(`INSERT INTO usage BY NAME SELECT * FROM ${staged}`);
      await this.run('COMMIT');
    } catch (cause) {
      await this.run('ROLLBACK');
      throw cause;
    }
  }

  /**
   * The ledger and its rollups are derived tables: a store written by an older Mileage, whose ledger has
   * another shape, gets them rebuilt once at open (from the stored records, so nothing is lost).
   */
  private async ensureCurrentLedger(deferStale: boolean): Promise<void> {
    const [ledger] = await this.writerQuery(
      "SELECT count(*) AS n FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'ledger'",
    );
    if (Number(ledger?.n ?? 0) === 0) return;
    if ((await this.getMeta('ledger_version')) !== String(LEDGER_VERSION)) await this.refreshLedger();
    else if (!deferStale && (await this.getMeta('ledger_stale')) === 'true') await this.refreshLedger();
  }

  async deferLedgerRefresh(): Promise<void> {
    await this.setMeta('ledger_stale', 'true');
  }

  /**
   * Moves stored rows out of bounds into `quarantine` (see quarantine.ts), so that no stored row can fail the
   * pricing pass or the ledger. A scan of each table; the move runs only when a row fails.
   */
  async quarantineOutOfBounds(): Promise<number> {
    let moved = 0;
    for (const { table, reason } of quarantineReasons(currentAcceptedTimes(), sqlString)) {
      const sql = quarantineSql(table, reason);
      const [row] = await this.writerQuery(sql.count);
      const n = Number(row?.n ?? 0);
      if (n === 0) continue;
      await this.run(QUARANTINE_TABLE_SQL);
      await this.run('BEGIN TRANSACTION');
      try {
        for (const statement of sql.move) await this.run(statement);
        await this.run('COMMIT');
      } catch (cause) {
        await this.run('ROLLBACK');
        throw cause;
      }
      moved += n;
    }
    return moved;
  }

  /** One transaction: readers on the other connections see the old ledger until the whole new one is in. */
  async refreshLedger(options: { recordsPerRange?: number } = {}): Promise<void> {
    await this.quarantineOutOfBounds();
    const perDay = await this.writerQuery(RECORDS_PER_DAY_SQL);
    const ranges = ledgerRanges(
      perDay.map((r) => ({ day: String(r.day), records: Number(r.records) })),
      options.recordsPerRange ?? LEDGER_RANGE_RECORDS,
    );
    await this.run('BEGIN TRANSACTION');
    try {
      await this.run(seatDaysSql(currentAcceptedTimes()));
      const [first, ...rest] = ranges;
      await this.run(`CREATE OR REPLACE TABLE ledger AS ${ledgerSelect(first ?? ALL_DAYS)}`);
      for (const range of rest) await this.run(`INSERT INTO ledger ${ledgerSelect(range)}`);
      await this.run(LEDGER_ROLLUPS_SQL);
      await this.run(outcomeLinksSql());
      await this.run(LEDGER_PRS_SQL);
      await this.run('COMMIT');
    } catch (cause) {
      await this.run('ROLLBACK');
      throw cause;
    }
    await this.setMeta('ledger_version', String(LEDGER_VERSION));
    await this.setMeta('ledger_stale', 'false');
  }

  async counts(): Promise<StoreCounts> {
    const [row] = await this.writerQuery(
      'SELECT (SELECT count(*) FROM usage WHERE counted) AS usage, (SELECT count(*) FROM outcomes) AS outcomes, (SELECT count(*) FROM dir_people) AS people',
    );
    return {
      usage: Number(row?.usage ?? 0),
      outcomes: Number(row?.outcomes ?? 0),
      people: Number(row?.people ?? 0),
    };
  }

  async getMeta(key: string): Promise<string | null> {
    const [row] = await this.writerQuery('SELECT value FROM meta WHERE key = $key', { key });
    return row ? String(row.value) : null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.conn.run('INSERT OR REPLACE INTO meta VALUES ($key, $value)', { key, value });
  }

  close(): Promise<void> {
    this.readers.close();
    this.conn.closeSync();
    this.instance.closeSync();
    return Promise.resolve();
  }
}

/** `refused` only when something was: an ordinary append's result stays `{ written, alreadyStored }`. */
