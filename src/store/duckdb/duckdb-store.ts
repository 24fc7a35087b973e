import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { duckdb } from './driver.js';
import type { OrgDirectory } from '../../domain/directory.js';
import { MileageError } from '../../domain/errors.js';
import { currentAcceptedTimes } from '../../domain/accepted-times.js';
import type { DeliveryUnitKind, OutcomeRecord } from '../../domain/outcome.js';
import {
  checkOutcomeRecord,
  checkActiveUsers,
  checkSeatActivity,
  checkSeatRecord,
  checkUsageRecord,
  screenRecords,
} from '../../domain/record-bounds.js';
import type { ReportedActiveUsers, SeatActivity, SeatRecord } from '../../domain/seat.js';
import type { AbsenceRecord } from '../../domain/capacity.js';
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
import { SCAN_PART_BYTES } from './claude-transcripts.js';
import { DuckAgentLogStore, recountSql } from './agent-requests.js';
import { DIMENSION_GAPS_SQL } from './dimensions.js';
import { loadDirectory } from './directory-load.js';
import { DuckFileLoader } from './file-loads.js';
import { replaceUsage, withTempJson, type DuckIo } from './io.js';
import { DuckLedger } from './ledger-refresh.js';
import { DuckPricing } from './pricing-writes.js';
import { findUsageSql, storedModelOf, storedUsageOf, USAGE_MODELS_SQL } from './usage-lookup.js';
import { ReadPool } from './read-pool.js';
import { OUTCOME_JSON_COLUMNS, USAGE_JSON_COLUMNS, outcomeRow, usageCsv } from './records.js';
import { MIGRATIONS } from './schema.js';
import { rekeyRepositories } from './repository-keys.js';
import { appendSeatActivity, appendSeats } from './seats.js';
import { appendAbsences } from './absences.js';
import { appendActiveUsers } from './active-users.js';
import { columnsSpec, csvReader, sqlString } from './sql.js';
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

  /** The writer's connection as the role modules see it (io.ts). */
  private readonly io: DuckIo = {
    run: (sql) => this.run(sql),
    exec: async (sql, params) => {
      await this.conn.run(sql, params);
    },
    query: (sql, params) => this.writerQuery(sql, params),
    transaction: (work) => this.transaction(work),
    withTempFile: (name, text, use) => this.withTempFile(name, text, use),
    localDay: (column) => this.localDay(column),
    usageDay: () => this.usageDay(),
    getMeta: (key) => this.getMeta(key),
    setMeta: (key, value) => this.setMeta(key, value),
  };
  private readonly files = new DuckFileLoader(this.io, () => this.timeZone);
  private readonly ledger = new DuckLedger(this.io);
  private readonly pricing = new DuckPricing(this.io, () => this.ledger.quarantineOutOfBounds());

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
    await store.ledger.ensureCurrent(options.deferLedger === true);
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

  private async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await this.run('COMMIT');
      return result;
    } catch (cause) {
      await this.run('ROLLBACK');
      throw cause;
    }
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
      await replaceUsage(this.io, 'staging');
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
    const result = await withTempJson(this.io, kept.map(outcomeRow), (path) =>
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

  async appendSeats(records: readonly SeatRecord[]): Promise<AppendResult> {
    const { kept, rejected } = screenRecords(records, checkSeatRecord);
    return { ...(await appendSeats(this.io, kept)), ...refusedOf(rejected) };
  }

  async appendSeatActivity(rows: readonly SeatActivity[]): Promise<AppendResult> {
    const { kept, rejected } = screenRecords(rows, checkSeatActivity);
    return { ...(await appendSeatActivity(this.io, kept)), ...refusedOf(rejected) };
  }

  async appendActiveUsers(records: readonly ReportedActiveUsers[]): Promise<AppendResult> {
    const { kept, rejected } = screenRecords(records, checkActiveUsers);
    const written = await appendActiveUsers(this.io, kept);
    return { ...written, ...refusedOf(rejected) };
  }

  appendAbsences(records: readonly AbsenceRecord[]): Promise<AppendResult> {
    return appendAbsences(this.io, records);
  }

  loadUsageFile(load: UsageFileLoad): Promise<UsageFileResult> {
    return this.files.loadUsageFile(load);
  }

  loadFocusFile(load: FocusFileLoad): Promise<FocusFileResult> {
    return this.files.loadFocusFile(load);
  }

  exportFocus(out: FocusExport): Promise<FocusExportResult> {
    return this.files.exportFocus(out);
  }

  loadDirectory(dir: OrgDirectory): Promise<void> {
    return loadDirectory(this.io, dir, {
      current: () => this.timeZone,
      switchTo: (zone) => {
        this.timeZone = zone;
      },
    });
  }

  pricingTargets(onlyUnpriced: boolean): Promise<PricingTarget[]> {
    return this.pricing.pricingTargets(onlyUnpriced);
  }

  applyPrices(prices: readonly AppliedPrice[]): Promise<number> {
    return this.pricing.applyPrices(prices);
  }

  clearListPrices(): Promise<void> {
    return this.pricing.clearListPrices();
  }

  unpricedModels(): Promise<UnpricedModel[]> {
    return this.pricing.unpricedModels();
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

  deferLedgerRefresh(): Promise<void> {
    return this.ledger.deferLedgerRefresh();
  }

  quarantineOutOfBounds(): Promise<number> {
    return this.ledger.quarantineOutOfBounds();
  }

  refreshLedger(options: { recordsPerRange?: number } = {}): Promise<void> {
    return this.ledger.refreshLedger(options);
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
