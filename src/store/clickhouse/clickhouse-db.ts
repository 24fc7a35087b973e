import type { OrgDirectory } from '../../domain/directory.js';
import { MileageError } from '../../domain/errors.js';
import type { OutcomeRecord } from '../../domain/outcome.js';
import { isValidTimeZone } from '../../domain/time.js';
import type { UsageRecord } from '../../domain/usage.js';
import type { AgentLogStore } from '../agent-logs.js';
import type { AppendResult, Db, PricingTarget, Row, SqlParam, StoreCounts, VersionedRows } from '../db.js';
import { sqlIdent } from '../sql-text.js';
import type { TableSpec } from '../tables/columns.js';
import { ClickHouseSql, type InsertMode } from './clickhouse-sql.js';
import { ClickHouseStore } from './clickhouse-store.js';
import { CLICKHOUSE_PASSWORD_ENV, type ClickHouseLocation } from './location.js';

/**
 * A ClickHouse store behind the whole `Db` interface, so `serve`, `sync`, `ingest` and the gateway open it like
 * the embedded store. What ClickHouse does today (reading, appending, meta: clickhouse-store.ts) goes through;
 * what it does not do yet (the ledger and its rollups, the directory tables, list pricing, the local file
 * readers, agent-log staging, seats) answers with an `unsupported` error that names the missing piece, never
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
      return await this.store.query<T>(sql, params);
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

  /**
   * Keeps the org's name, privacy and time zone (what every command reads back); the directory's tables (people,
   * teams, keys, aliases) belong to the ledger, not built on ClickHouse yet. A new time zone applies to records
   * written from now on; stored days are not re-derived (docs/clickhouse.md, "Not done").
   */
  async loadDirectory(directory: OrgDirectory): Promise<void> {
    if (!isValidTimeZone(directory.timeZone)) {
      throw new MileageError(
        'config',
        `unknown time zone "${directory.timeZone}"`,
        'Use an IANA name such as Europe/Berlin.',
      );
    }
    await this.store.setMeta('time_zone', directory.timeZone);
    await this.store.setMeta('org', directory.org);
    await this.store.setMeta('privacy_individuals', directory.privacy.individuals);
    await this.store.setMeta('privacy_min_group_size', String(directory.privacy.minGroupSize));
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
   * The ledger is not built on ClickHouse yet: after new records there is nothing to recompute, and a read of
   * `ledger` answers `unsupported` (see query). Facts are stored as they arrive either way.
   */
  refreshLedger(): Promise<void> {
    return Promise.resolve();
  }

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
