import { randomUUID } from 'node:crypto';
import type { OrgDirectory } from '../../domain/directory.js';
import { MileageError } from '../../domain/errors.js';
import type { OutcomeRecord } from '../../domain/outcome.js';
import { addDays, isValidTimeZone } from '../../domain/time.js';
import type { UsageRecord } from '../../domain/usage.js';
import type { AgentLogStore } from '../agent-logs.js';
import type { AppendResult, Db, PricingTarget, Row, SqlParam, StoreCounts, VersionedRows } from '../db.js';
import { sqlIdent } from '../sql-text.js';
import type { TableSpec } from '../tables/columns.js';
import { directoryMeta, directoryRows } from '../tables/directory-rows.js';
import { ClickHouseSql, type InsertMode } from './clickhouse-sql.js';
import { ClickHouseStore } from './clickhouse-store.js';
import { CLICKHOUSE_PASSWORD_ENV, type ClickHouseLocation } from './location.js';

/**
 * A ClickHouse store behind the whole `Db` interface, so `serve`, `sync`, `ingest` and the gateway open it like
 * the embedded store. What ClickHouse does today (reading, appending, meta: clickhouse-store.ts; the ledger and
 * its rollups: ledger-build.ts; the directory tables) goes through; what it does not do yet (list pricing, the
 * local file readers, agent-log staging, seats, the outcome links) answers with an `unsupported` error that names the missing piece, never
 * with a wrong number. Several processes may open the same database at once: nothing here is held in memory
 * across calls, and every write is an idempotent insert.
 */
export class ClickHouseDb implements Db, VersionedRows {
  readonly dialect = 'clickhouse' as const;
  readonly migrationsApplied: readonly number[] = [];

  private constructor(
    private readonly store: ClickHouseStore,
    /** Bulk inserts of rows copied from another store (`store migrate`): synchronous, one part per page. */
    private readonly bulk: ClickHouseSql,
  ) {}

  /** Connects (creating the database and tables when missing); a server that cannot be reached is a clear error. */
  static async open(
    location: ClickHouseLocation,
    options: { inserts?: InsertMode } = {},
  ): Promise<ClickHouseDb> {
    try {
      return new ClickHouseDb(await ClickHouseStore.open(location, options), ClickHouseSql.connect(location));
    } catch (cause) {
      throw connectError(location, cause);
    }
  }

  get location(): string {
    return this.store.location;
  }

  get agentLogs(): AgentLogStore {
    throw notYet('reading local agent logs (`mileage ingest` of Claude Code, Codex… transcripts)');
  }

  async query<T extends Row = Row>(sql: string, params: Record<string, SqlParam> = {}): Promise<T[]> {
    try {
      return unqualified(await this.store.query<T>(sql, params));
    } catch (error) {
      // A read of a relation ClickHouse does not have yet (the ledger, the directory, tokens, keys) says so.
      const missing = /Unknown table(?: expression)?(?: identifier)? '?([\w.]+)'?/i.exec(messageChain(error));
      if (missing)
        throw notYet(`the \`${missing[1]}\` relation (it is built by the embedded store only)`, error);
      throw error;
    }
  }

  counts(): Promise<StoreCounts> {
    return this.store.counts();
  }

  getMeta(key: string): Promise<string | null> {
    return this.store.getMeta(key);
  }

  setMeta(key: string, value: string): Promise<void> {
    return this.store.setMeta(key, value);
  }

  appendUsage(records: readonly UsageRecord[]): Promise<AppendResult> {
    return this.store.appendUsage(records);
  }

  appendOutcomes(records: readonly OutcomeRecord[]): Promise<AppendResult> {
    return this.store.appendOutcomes(records);
  }

  async close(): Promise<void> {
    await this.bulk.close();
    await this.store.close();
  }

  putRows(table: TableSpec, rows: readonly Row[]): Promise<void> {
    return this.store.putRows(table, rows);
  }

  /**
   * Reads the newest rows matching `where` (final=1) and writes them again with `changes` and a newer version:
   * ClickHouse's stand-in for `UPDATE … RETURNING` on the small keyed tables. Two servers revoking the same
   * token at once both write a revoked row; either wins, and both say revoked.
   */
  async reviseRows(
    table: TableSpec,
    where: string,
    params: Record<string, SqlParam>,
    changes: Row,
  ): Promise<number> {
    const columns = table.columns.map((c) => sqlIdent(c.name)).join(', ');
    const rows = await this.store.query(
      `SELECT ${columns} FROM ${sqlIdent(table.name)} WHERE ${where}`,
      params,
    );
    if (rows.length > 0)
      await this.store.putRows(
        table,
        rows.map((r) => ({ ...r, ...changes })),
      );
    return rows.length;
  }

  /**
   * Rows copied from another store, every column as stored there (days, costs, estimates, replay flags), in
   * one new version: copying again replaces them, never adds to them.
   */
  async insertRows(table: TableSpec, rows: readonly Row[]): Promise<void> {
    const version = Date.now() * 1000;
    await this.bulk.insert(
      table.name,
      rows.map((r) => ({ ...r, _version: version })),
    );
  }

  /** A small table's rows in place of the stored ones (`store migrate` of the directory), as one swap. */
  async replaceRows(table: TableSpec, rows: readonly Row[]): Promise<void> {
    await replaceTable(this.bulk, table.name, rows);
  }

  /**
   * Replaces the directory's tables (people, teams, aliases, keys, workflows, seats, accounts) and keeps the
   * org's name, privacy, time zone and workload bands in meta, as the embedded store does. A new time zone
   * applies to records written from now on; stored days are not re-derived (docs/clickhouse.md, "Not done").
   */
  async loadDirectory(directory: OrgDirectory): Promise<void> {
    if (!isValidTimeZone(directory.timeZone)) {
      throw new MileageError(
        'config',
        `unknown time zone "${directory.timeZone}"`,
        'Use an IANA name such as Europe/Berlin.',
      );
    }
    for (const [table, rows] of Object.entries(directoryRows(directory)))
      await replaceTable(this.bulk, table, rows);
    await this.store.setMeta('time_zone', directory.timeZone);
    for (const [key, value] of directoryMeta(directory)) await this.store.setMeta(key, value);
    // A new directory re-attributes every month: the next build covers them all.
    await this.store.setMeta(LEDGER_WATERMARK, '0');
  }

  /**
   * Nothing to price here yet: list-price estimates are not computed on ClickHouse, so a record that arrives
   * without a cost stays unpriced (NULL, never $0) and a priced one keeps its source's cost and basis.
   */
  pricingTargets(): Promise<PricingTarget[]> {
    return Promise.resolve([]);
  }

  applyPrices(): Promise<number> {
    return Promise.resolve(0);
  }

  clearListPrices(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Rebuilds the ledger and its rollups from the stored facts (clickhouse/ledger-build.ts): the months of the
   * usage records written since the last build (every row carries its write time as `_version`), all of them
   * after a directory load, on the first build, or when the months the data spans changed (seat days); the tables derived from the whole (seat days, weeks, PRs)
   * every time. So `serve` refreshing after each OTLP batch rebuilds the current month, not the whole history.
   * The outcome links the embedded store derives at this point (session evidence, AI and rework verdicts) are
   * not computed on ClickHouse yet: outcomes keep the verdicts they were written or copied with.
   */
  async refreshLedger(options: { recordsPerRange?: number } = {}): Promise<void> {
    // A cluster's front (Distributed fact tables over shards) has no ledger yet: its build's joins are refused
    // across shards (docs/clickhouse.md, "Not done"). Facts are stored all the same; reads of the ledger there
    // answer `unsupported` (query), never a number.
    if (await this.isClusterFront()) return;
    const mark = await this.store.getMeta(LEDGER_WATERMARK);
    // Writers stamp versions with their own clocks: look back a margin, so a record a slightly slow clock
    // wrote during the last build is not left out of it.
    const since = mark === null || mark === '0' ? null : Math.max(0, Number(mark) - WATERMARK_MARGIN_US);
    const [row] = await this.store.query(
      `SELECT toString(max(_version)) AS version, toString(min(day)) AS first, toString(max(day)) AS last
       FROM usage WHERE _version > {since:UInt64}`,
      { since: String(since ?? 0) },
    );
    const written = row && Number(row.version) > 0 ? row : null;
    // Seat days run over the months the data spans: when that span moves, every month's seat entries change.
    const span = await this.dataSpan();
    const sameSpan = (await this.store.getMeta(LEDGER_SPAN)) === span;
    const range =
      since === null || !sameSpan
        ? undefined
        : written
          ? { from: String(written.first), until: addDays(String(written.last), 1) }
          : NOTHING_NEW;
    await this.store.refreshLedger({ ...options, ...(range ? { range } : {}) });
    if (written) await this.store.setMeta(LEDGER_WATERMARK, String(written.version));
    if (!sameSpan) await this.store.setMeta(LEDGER_SPAN, span);
  }

  private async isClusterFront(): Promise<boolean> {
    const [row] = await this.store.query(
      "SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = 'usage'",
    );
    return row?.engine === 'Distributed';
  }

  /** The first and last months of the usage and of the outcomes (what seat days span), as one text. */
  private async dataSpan(): Promise<string> {
    const [row] = await this.store.query(
      `SELECT (SELECT toString((toStartOfMonth(min(day)), toStartOfMonth(max(day)))) FROM usage) AS used,
              (SELECT toString((toStartOfMonth(min(day)), toStartOfMonth(max(day)))) FROM outcomes) AS delivered`,
    );
    return `${String(row?.used)} ${String(row?.delivered)}`;
  }

  /** Nothing is kept to rebuild at the next open: every reader of ClickHouse reads the ledger as last built. */
  deferLedgerRefresh(): Promise<void> {
    return Promise.resolve();
  }

  setDeliveryKind(): Promise<number> {
    return Promise.reject(notYet('changing the outcome kind of stored delivery units'));
  }
  appendSeats(): Promise<AppendResult> {
    return Promise.reject(notYet('seat records'));
  }
  appendSeatActivity(): Promise<AppendResult> {
    return Promise.reject(notYet('seat activity'));
  }
  appendAbsences(): Promise<AppendResult> {
    return Promise.reject(notYet('calendar absences (capacity)'));
  }
  appendActiveUsers(): Promise<AppendResult> {
    return Promise.reject(notYet('vendor-counted active users (seats)'));
  }
  loadUsageFile(): Promise<never> {
    return Promise.reject(
      notYet('loading usage files (CSV, JSONL, Parquet) through the store’s file readers'),
    );
  }
  loadFocusFile(): Promise<never> {
    return Promise.reject(notYet('loading FOCUS files'));
  }
  exportFocus(): Promise<never> {
    return Promise.reject(notYet('the FOCUS export (it reads the ledger)'));
  }
  unpricedModels(): Promise<never> {
    return Promise.reject(notYet('the unpriced-model report'));
  }
  dimensionGaps(): Promise<never[]> {
    // A ClickHouse store was made with every billed dimension's column: it has no history lacking them.
    return Promise.resolve([]);
  }
  findUsage(): Promise<never> {
    return Promise.reject(notYet('`prices explain`'));
  }
  usageModels(): Promise<never> {
    return Promise.reject(notYet('the stored-model list'));
  }
}

/**
 * Result columns named as DuckDB names them. ClickHouse names a selected `t.name` after its table (`t.name`)
 * when another joined relation has a column `name`; DuckDB calls it `name`. Shared SQL aliases such columns,
 * and this renames any it missed, so a reader never finds a column missing (and reads NULL) on one engine
 * only. A qualified name is left as it is when the bare one is taken by another column.
 */
function unqualified<T extends Row>(rows: T[]): T[] {
  const first = rows[0];
  if (!first) return rows;
  const keys = Object.keys(first);
  const renames = keys
    .map((k) => [k, /^[A-Za-z_][\w]*\.([A-Za-z_][\w]*)$/.exec(k)?.[1]] as const)
    .filter((r): r is readonly [string, string] => r[1] !== undefined && !keys.includes(r[1]));
  if (renames.length === 0) return rows;
  const bare = new Set(renames.map(([, b]) => b));
  if (bare.size < renames.length) return rows; // two tables' `x`: ambiguous, left as the engine named them
  return rows.map((row) => {
    const out: Row = {};
    for (const [k, v] of Object.entries(row)) out[renames.find(([q]) => q === k)?.[1] ?? k] = v;
    return out as T;
  });
}

/**
 * Replaces a small table's rows as one swap: the new rows go into a stage table of the same shape, which then
 * trades places with the table (`EXCHANGE TABLES`, atomic), so a reader sees the old directory or the new one,
 * never an empty one. A stage of its own per call, so two processes loading at once never share one.
 */
async function replaceTable(sql: ClickHouseSql, table: string, rows: readonly Row[]): Promise<void> {
  const stage = `${table}_stage_${randomUUID().replaceAll('-', '')}`;
  await sql.command(`CREATE TABLE ${sqlIdent(stage)} AS ${sqlIdent(table)}`);
  try {
    await sql.insert(stage, rows);
    await sql.command(`EXCHANGE TABLES ${sqlIdent(table)} AND ${sqlIdent(stage)}`);
  } finally {
    await sql.command(`DROP TABLE IF EXISTS ${sqlIdent(stage)}`);
  }
}

/** Meta key: the newest usage row version (write time, µs) the last ledger build saw; '0' = rebuild every month. */
const LEDGER_WATERMARK = 'clickhouse_ledger_watermark';

/** Meta key: the months the data spanned at the last ledger build (seat days follow them). */
const LEDGER_SPAN = 'clickhouse_ledger_span';

/** How far before the watermark a build looks for new rows (10 minutes of writers' clock skew). */
const WATERMARK_MARGIN_US = 10 * 60 * 1_000_000;

/** A day range with no month in it: only the tables derived from the whole are rebuilt. */
const NOTHING_NEW = { from: '1970-01-01', until: '1970-01-01' };

/** What ClickHouse cannot do yet, as an error with a stable code (CLI exit 1, HTTP 501). */
export function notYet(what: string, cause?: unknown): MileageError {
  return new MileageError(
    'unsupported',
    `not yet supported on ClickHouse: ${what}`,
    'Use the embedded store for it (`mileage store migrate --from clickhouse://…` copies the facts back), or see docs/clickhouse.md for what the ClickHouse store does today.',
    cause === undefined ? undefined : { cause },
  );
}

/** Why a ClickHouse store could not be opened, in the user's terms; the password never appears. */
function connectError(location: ClickHouseLocation, cause: unknown): MileageError {
  const text = messageChain(cause);
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ETIMEDOUT|socket hang up|Timeout/i.test(text)) {
    return new MileageError(
      'upstream',
      `cannot reach ClickHouse at ${location.display} (${firstLine(innermost(cause))})`,
      'Check that the server runs and that host and port are its HTTP interface (8123, or 8443 for clickhouses://).',
      { cause },
    );
  }
  if (/Authentication failed|AUTHENTICATION_FAILED|REQUIRED_PASSWORD|password is incorrect/i.test(text)) {
    return new MileageError(
      'config',
      `ClickHouse at ${location.display} refused the user ${location.username}`,
      `Set the password in ${CLICKHOUSE_PASSWORD_ENV} (it is never read from the URL).`,
      { cause },
    );
  }
  return new MileageError('upstream', `ClickHouse at ${location.display}: ${firstLine(text)}`, undefined, {
    cause,
  });
}

function messageChain(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error && parts.length < 5; e = e.cause) parts.push(e.message);
  return parts.length > 0 ? parts.join(' · ') : String(error);
}

/** The root cause's message (the network error itself, without the wrappers that name the server again). */
function innermost(error: unknown): string {
  let e = error;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? text).slice(0, 300);
}
