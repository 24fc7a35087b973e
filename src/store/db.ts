import type { OrgDirectory } from '../domain/directory.js';
import type { DeliveryUnitKind, OutcomeRecord } from '../domain/outcome.js';
import type { FieldProblem } from '../domain/record-bounds.js';
import type { ReportedActiveUsers, SeatActivity, SeatRecord } from '../domain/seat.js';
import type { AbsenceRecord } from '../domain/capacity.js';
import type { UsageRecord } from '../domain/usage.js';
import type { AgentLogStore } from './agent-logs.js';
import type { TableSpec } from './tables/columns.js';

/**
 * The narrow interface every other module uses to reach the store. Only `store/` imports a database driver.
 *
 * Metrics and reports read the store through `query` with portable SQL over the views the store defines
 * (`ledger`, `usage_identity`, `outcomes_identity`, `people`, `teams`, `keys`, `workflows`); the dialect-specific
 * work (time zones, bulk loading, upserts, allocation) lives behind the other methods, so the same metric
 * SQL runs on DuckDB and, later, ClickHouse.
 */
export type SqlParam = string | number | boolean | null;

/** Query results: DECIMAL → string (exact), BIGINT/INTEGER → number, DATE → 'YYYY-MM-DD', TIMESTAMP → ISO string. */
export type SqlValue = string | number | boolean | null | SqlValue[];
export type Row = Record<string, SqlValue>;

export type Dialect = 'duckdb' | 'clickhouse';

export interface AppendResult {
  /** Records written (new or replaced by a newer version of the same id). */
  written: number;
  /** Records in the batch whose id was already stored: an idempotent re-ingest. */
  alreadyStored: number;
  /**
   * False when the store did not look (then `alreadyStored` is 0): ClickHouse's async inserts on `serve`'s hot
   * path write without a lookup and deduplicate at read (docs/clickhouse.md). Absent means counted.
   */
  alreadyStoredKnown?: boolean;
  /**
   * Records left out by the store's last check (domain/record-bounds.ts): out of bounds, stored nowhere.
   * Callers that checked first (naming the file) find none here.
   */
  refused?: RejectedRecord[];
}

/** A record the store refused, by id, with each bad field. */
export interface RejectedRecord {
  id: string;
  problems: FieldProblem[];
}

export interface StoreCounts {
  usage: number;
  outcomes: number;
  people: number;
}

/** Column mapping for a generic usage file (CSV, JSONL, Parquet) loaded by the store's own readers. */
export interface UsageFileLoad {
  path: string;
  /** How messages name the input (default: its path); the events API's temp file is `request`. */
  name?: string;
  format: 'csv' | 'jsonl' | 'parquet';
  /** Mileage column → the file's column name, for files that name columns differently. */
  columns?: Partial<Record<UsageFileColumn, string>>;
  source: string;
  /**
   * Why rows with `cost_basis: billed` are refused, when the writer may not send bills (an ingest token: a
   * bill comes from the vendor, and a billed row would take a vendor's cell in the ledger); absent: allowed.
   */
  billedRefused?: string;
}

export const USAGE_FILE_COLUMNS = [
  'timestamp',
  'tool',
  'provider',
  'model',
  'input_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'output_tokens',
  'reasoning_tokens',
  'requests',
  'cost_usd',
  'cost_basis',
  'key_id',
  'user',
  'workflow',
  'session_id',
  'repo',
  'branch',
  'stream',
] as const;
export type UsageFileColumn = (typeof USAGE_FILE_COLUMNS)[number];

export interface UsageFileResult extends AppendResult {
  /** Rows rejected with the reason, 1-based line numbers counting the header as line 1. */
  rejected: { line: number; field: string | null; message: string }[];
}

/** A FOCUS 1.2 cost-and-usage file (CSV or Parquet): its AI and Machine Learning rows become billed usage. */
export interface FocusFileLoad {
  path: string;
  format: 'csv' | 'parquet';
  /** Which FOCUS cost is the record's cost: BilledCost (invoice, default) or EffectiveCost (amortised). */
  cost: 'billed' | 'effective';
}

export interface FocusFileResult extends UsageFileResult {
  /** Rows of other service categories (compute, storage…), not AI spend. */
  skipped: number;
}

export interface FocusExport {
  path: string;
  format: 'csv' | 'parquet';
  /** Org-local days, since inclusive, until exclusive; null for all. */
  since: string | null;
  until: string | null;
  /**
   * The org's privacy rules as they apply to this export: where people may not be named, each tool's seat
   * streams (`seat:<tool>:<holder>`) become one; a team with fewer than `minGroupSize` people in the export
   * is tagged "other".
   */
  namesPeople: boolean;
  minGroupSize: number;
}

export interface FocusExportResult {
  rows: number;
  /** What the exported rows cost together (decimal USD). */
  total: string;
  /** Ledger entries left out because they have no price. */
  unpriced: number;
}

/**
 * Stored history that lacks billed dimensions its source reports (kept before the store had columns for
 * them): a re-ingest of those days fills them in.
 */
export interface DimensionGap {
  source: string;
  records: number;
  firstDay: string;
  lastDay: string;
  /** What those records lack: `cache write 1h`, `audio`, `server tools`… */
  missing: string[];
}

/**
 * A stored usage row as `mileage prices explain` reads it: every billed dimension, null where the store does
 * not know it (a row kept before the store had the column; see dimensionGaps).
 */
export interface StoredUsage {
  id: string;
  source: string;
  stream: string | null;
  granularity: string;
  /** ISO instant. */
  start: string;
  /** The org-local day. */
  day: string;
  tool: string | null;
  provider: string | null;
  model: string | null;
  requests: number;
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
  cacheWrite1h: number | null;
  audioInput: number | null;
  audioOutput: number | null;
  webSearch: number | null;
  webFetch: number | null;
  codeExecution: number | null;
  serviceTier: string | null;
  batch: boolean | null;
  contextTier: string | null;
  geo: string | null;
  speed: string | null;
  /** Exact decimal strings. */
  cost: string | null;
  estCost: string | null;
  basis: string;
  priceRef: string | null;
  /** False for a replayed copy the ledger does not count. */
  counted: boolean;
  /** Dimensions its source reports that this row lacks (stored before the store kept them; see dimensionGaps). */
  unknown: string[];
  /** How a gateway served the request (status, latency, time to first token); null for other sources. */
  served: StoredServed | null;
}

/** A gateway request record's operational facts and the session and branch its client named. */
export interface StoredServed {
  status: number;
  latencyMs: number | null;
  ttftMs: number | null;
  clientAborted: boolean;
  sessionId: string | null;
  branch: string | null;
  workflow: string | null;
}

/** One record by id, or the records of a model on an org-local day (optionally of one source). */
export type UsageSelector =
  { id: string } | { model: string; day: string; source?: string | undefined; provider?: string | undefined };

/** A model seen in the store, with the days it was used: to say what exists when a lookup finds nothing. */
export interface StoredModel {
  provider: string | null;
  model: string;
  records: number;
  firstDay: string;
  lastDay: string;
}

/** A model seen in the store with no price: its tokens are kept and reported, never counted as $0. */
export interface UnpricedModel {
  provider: string | null;
  model: string;
  records: number;
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
}

/** What the pricing pass needs to know to (re)price a stored list-estimate record. */
export interface PricingTarget {
  provider: string | null;
  model: string;
  day: string;
  /** How the records were served (null = not reported, priced as standard): part of the price's key. */
  serviceTier?: string | null | undefined;
  batch?: boolean | null | undefined;
  geo?: string | null | undefined;
  speed?: string | null | undefined;
}

/** The SQL of the pricing key's columns, in PricingTarget order after provider, model and day. */
export const PRICING_DIMENSION_COLUMNS = ['service_tier', 'batch', 'inference_geo', 'speed'] as const;

/** Per-token prices as exact decimal strings (USD per token), so the store multiplies without division. */
export interface TokenRates {
  input: string;
  cacheRead: string;
  cacheWrite: string;
  output: string;
  /** Per-token rates of the other dimensions; null = no price (records holding them stay unpriced). */
  cacheWrite1h?: string | null;
  audioInput?: string | null;
  audioOutput?: string | null;
  /** Per web search (not per token). */
  webSearch?: string | null;
}

export interface AppliedPrice extends PricingTarget {
  ref: string;
  rates: TokenRates;
  /** Above this many input tokens (uncached + cache) in one request, `tierRates` price the whole request. */
  tierThreshold: number | null;
  tierRates: TokenRates | null;
  /** The product of the factors for how the target's records were served (batch, tier, region, speed). */
  factor?: string | undefined;
}

/**
 * The store by role, so a second backend implements what it needs and no more (the ClickHouse store:
 * clickhouse/clickhouse-store.ts). `Db` is every role together: what the embedded DuckDB store does.
 */
export interface StoreReader {
  readonly dialect: Dialect;
  readonly location: string;
  query<T extends Row = Row>(sql: string, params?: Record<string, SqlParam>): Promise<T[]>;
  counts(): Promise<StoreCounts>;
  getMeta(key: string): Promise<string | null>;
  close(): Promise<void>;
}

/** Writing facts: idempotent by deterministic id (a re-ingest changes no total). */
export interface RecordAppender {
  appendUsage(records: readonly UsageRecord[]): Promise<AppendResult>;
  appendOutcomes(records: readonly OutcomeRecord[]): Promise<AppendResult>;
  setMeta(key: string, value: string): Promise<void>;
}

/** Local agent logs: bulk transcript reading, merging of request copies, file offsets. */
export interface AgentLogStaging {
  readonly agentLogs: AgentLogStore;
}

/** The tables beside the facts that writers keep: delivery kinds, vendor seats, seat activity, absences. */
export interface SideTableAppender {
  /**
   * Sets the outcome kind of a repository's stored delivery units of one unit kind (direct pushes become
   * merged PRs when the repository is declared trunk-based, and back). Returns the records changed.
   */
  setDeliveryKind(repo: string, unitKind: DeliveryUnitKind, kind: string): Promise<number>;
  /** Seats a vendor lists: a seat seen again is updated (earliest start, latest activity), never added twice. */
  appendSeats(records: readonly SeatRecord[]): Promise<AppendResult>;
  /** Days a seat holder used the tool (activity reports without spend). */
  appendSeatActivity(rows: readonly SeatActivity[]): Promise<AppendResult>;
  /** Calendar absences: each event's days replace those stored for it before (none when it was cancelled). */
  appendAbsences(records: readonly AbsenceRecord[]): Promise<AppendResult>;
  /** Active users a vendor counts per project and day: a count seen again replaces the stored one. */
  appendActiveUsers(records: readonly ReportedActiveUsers[]): Promise<AppendResult>;
}

/** Files read by the database's own readers, and the ledger written out as a file. */
export interface FileLoader {
  /** Bulk load through the database's own file reader; bad rows are rejected with their line, good rows kept. */
  loadUsageFile(load: UsageFileLoad): Promise<UsageFileResult>;
  /** Bulk load of a FOCUS file through the database's readers; bad rows rejected with line and column. */
  loadFocusFile(load: FocusFileLoad): Promise<FocusFileResult>;
  /** Writes the ledger as a FOCUS-shaped CSV or Parquet file. */
  exportFocus(out: FocusExport): Promise<FocusExportResult>;
}

/** The org file as the directory tables. */
export interface DirectoryLoader {
  /** Replace the directory tables; re-derives local days when the time zone changed. */
  loadDirectory(directory: OrgDirectory): Promise<void>;
}

/** The pricing pass's reads and writes of list prices. */
export interface PricingStore {
  /** The distinct (provider, model, day) of list-estimate records, for the pricing pass. */
  pricingTargets(onlyUnpriced: boolean): Promise<PricingTarget[]>;
  /**
   * Price records of the given (provider, model, UTC day) keys: sets the list estimate of every record with
   * tokens, and the cost of list-estimate records. Returns the number of records priced.
   */
  applyPrices(prices: readonly AppliedPrice[]): Promise<number>;
  /** Forget every list estimate (before re-pricing all): a model whose override was removed becomes unpriced again. */
  clearListPrices(): Promise<void>;
  unpricedModels(): Promise<UnpricedModel[]>;
}

/** The derived tables: the ledger, its rollups and the facts that join sources. */
export interface LedgerBuilder {
  /**
   * Recompute the ledger (authoritative totals, allocation, unattributed remainder) after new data, then the
   * facts that join sources: session → branch → PR (`pr_sessions`), AI evidence from agent sessions, and
   * rework of repeated bug fixes (see store/duckdb/outcome-links.ts). A large store is computed a range of
   * days at a time, about `recordsPerRange` records each (a store's default suits a few GB of memory).
   */
  refreshLedger(options?: { recordsPerRange?: number }): Promise<void>;
  /**
   * Mark the ledger stale instead of recomputing it now: the next open of the store recomputes it before
   * anything reads it. For a one-shot ingest whose process ends without reading the ledger.
   */
  deferLedgerRefresh(): Promise<void>;
}

/** Every role together: what the embedded DuckDB store does, and what most commands are given. */
export interface Db
  extends
    StoreReader,
    RecordAppender,
    AgentLogStaging,
    SideTableAppender,
    FileLoader,
    DirectoryLoader,
    PricingStore,
    LedgerBuilder {
  dimensionGaps(): Promise<DimensionGap[]>;
  /** Stored usage rows for `prices explain`, at most `limit` (counted ones; replayed copies only by id). */
  findUsage(select: UsageSelector, limit: number): Promise<StoredUsage[]>;
  /** Every model in the usage records, with its record count and first and last org-local day. */
  usageModels(): Promise<StoredModel[]>;
  /**
   * Schema migrations this open applied to a store that existed before it (empty for a new store or one
   * already current): a command can then say what the upgrade left to re-ingest.
   */
  readonly migrationsApplied: readonly number[];
}

/**
 * Small keyed tables (tables/admin-tables.ts: API tokens, gateway keys) on a store without UPDATE (ClickHouse):
 * a row written is the newest version of its key, and a change writes the matching rows again. DuckDB keeps
 * its own statements for these tables; `versionedRows` says which kind a store is.
 */
export interface VersionedRows {
  putRows(table: TableSpec, rows: readonly Row[]): Promise<void>;
  /** Writes the rows that match `where` again with `changes` applied; how many there were. */
  reviseRows(
    table: TableSpec,
    where: string,
    params: Record<string, SqlParam>,
    changes: Row,
  ): Promise<number>;
}

export function versionedRows(db: object): VersionedRows | null {
  return 'putRows' in db && 'reviseRows' in db ? (db as VersionedRows) : null;
}
