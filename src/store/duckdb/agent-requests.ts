import { toStorage } from '../../domain/money.js';
import { traceStep } from '../../domain/trace.js';
import type { UsageRecord } from '../../domain/usage.js';
import { repositoryKey } from '../../domain/repository.js';
import {
  BILLING_COLUMN_TYPES,
  DIMENSION_COLUMN_TYPES,
  DIMENSION_COUNT_COLUMNS,
  dimensionRow,
} from './dimensions.js';
import {
  type AgentCommit,
  type AgentLogStore,
  type AgentRequestRow,
  type LogFileState,
  type PriceLookup,
  type TranscriptFile,
  type TranscriptScan,
} from '../agent-logs.js';
import type { Row, SqlParam } from '../db.js';
import {
  isOutOfMemory,
  keepCleanRequestsSql,
  overlongLineFile,
  scanParts,
  transcriptFilesSql,
  transcriptStageSql,
} from './claude-transcripts.js';
import { csvText, csvValuesText, type CsvValue } from './csv.js';
import {
  EMPTY_PRICE_RATES_SQL,
  PRICING_TARGET_SQL,
  pricingTargetOf,
  priceableSql,
  priceJoinSql,
  priceRatesJson,
  priceRatesSql,
  requestEstimateSql,
} from './price-rates.js';
import { hashed } from './records.js';
import { csvReader, sqlString } from './sql.js';

/** What the agent-log store needs from the DuckDB store it lives in. */
/** The version of the repository key (domain/repository.ts) the folders in cwd_repos were resolved with. */
const CWD_REPOS_KEYS = '1';

export interface DuckHost {
  run(sql: string): Promise<void>;
  query<T extends Row = Row>(sql: string, params?: Record<string, SqlParam>): Promise<T[]>;
  withTempFile<T>(name: string, text: string, use: (path: string) => Promise<T>): Promise<T>;
  localDay(column: string): string;
  /**
   * Doubles a bounded store's memory bound, up to the machine's default; false when it cannot grow (an
   * unbounded store, or already at the default).
   */
  growMemory(): Promise<boolean>;
  /**
   * Makes a bounded store give back the memory it holds between statements (a no-op for an unbounded one):
   * the buffer pool's tables move to the temp file, and the allocator returns the pages.
   */
  shedMemory(): Promise<void>;
  /** Transcript bytes one statement of the bulk reader takes (SCAN_PART_BYTES unless the store was told otherwise). */
  scanPartBytes(): number;
}

const STAGE_COLUMNS: Record<string, string> = {
  id: 'VARCHAR',
  source: 'VARCHAR',
  tool: 'VARCHAR',
  provider: 'VARCHAR',
  model: 'VARCHAR',
  /** Null means a request (the bulk reader's rows, bundles of older builds): see mergeSql. */
  granularity: 'VARCHAR',
  /** Null means one: a session's record (Copilot CLI's shutdown metrics) carries its request count. */
  requests: 'BIGINT',
  collapse_key: 'VARCHAR',
  replica: 'BOOLEAN',
  start_at: 'TIMESTAMPTZ',
  end_at: 'TIMESTAMPTZ',
  input_tokens: 'BIGINT',
  cache_read_tokens: 'BIGINT',
  cache_write_tokens: 'BIGINT',
  output_tokens: 'BIGINT',
  reasoning_tokens: 'BIGINT',
  reported_cost: 'DECIMAL(18,10)',
  price_ref: 'VARCHAR',
  dedup_key: 'VARCHAR',
  session_id: 'VARCHAR',
  cwd: 'VARCHAR',
  repo: 'VARCHAR',
  branch: 'VARCHAR',
  tool_version: 'VARCHAR',
  actor_hash: 'VARCHAR',
  actor_hint: 'VARCHAR',
  machine_id: 'VARCHAR',
  ...DIMENSION_COLUMN_TYPES,
};

/** The stage's columns that say whose request it is and where it was made. */
const ATTRIBUTION_COLUMNS = ['actor_hash', 'actor_hint', 'machine_id'];

const trace = traceStep;
function identity(value: string | null | undefined): { hash: string | null; hint: string | null } {
  return value ? hashed(value) : { hash: null, hint: null };
}

/** A record as the stage's values, in the order of STAGE_COLUMNS (no object per row: 50k records a batch). */
function stageValues(r: UsageRecord): CsvValue[] {
  const actor = identity(r.hints.actor);
  const reported = r.cost.basis !== 'list_estimate' && r.cost.amount !== null;
  const dimensions = dimensionRow(r);
  return [
    r.id,
    r.source,
    r.tool,
    r.provider,
    r.model,
    r.granularity,
    r.requests,
    r.collapse?.key ?? null,
    r.collapse?.replica ?? false,
    r.start.toISOString(),
    r.end.toISOString(),
    r.tokens.input,
    r.tokens.cacheRead,
    r.tokens.cacheWrite,
    r.tokens.output,
    r.tokens.reasoning,
    reported && r.cost.amount ? toStorage(r.cost.amount) : null,
    reported ? r.cost.priceRef : null,
    r.dedupKey ?? null,
    r.hints.sessionId ?? null,
    r.hints.cwd ?? null,
    r.hints.repo ? repositoryKey(r.hints.repo) : null,
    r.hints.branch ?? null,
    r.hints.toolVersion ?? null,
    actor.hash,
    actor.hint,
    r.hints.machineId ?? null,
    ...DIMENSION_NAMES.map((c) => dimensions[c]),
  ];
}

const STAGE_NAMES = Object.keys(STAGE_COLUMNS);
const DIMENSION_NAMES = Object.keys(DIMENSION_COLUMN_TYPES);

/**
 * Merge: per request id, the stage and the stored copy together give the largest count of each token type
 * and reported cost, the earliest start and latest end, replica only if every copy was; the other fields
 * come from the earliest copy (then the smallest session id), as the parser does within a file.
 *
 * Most ids of a run are new and staged once (a first ingest: all of them); they skip the aggregation, whose
 * arg_min over a struct is the costly part, and pass straight through. `agent_known` holds the ids that
 * need merging: staged more than once, or already stored.
 *
 * Rows are written priced: the list estimate comes from `price_rates` (the price book's rates for the
 * models and days of the stage, see price-rates.ts) in the statement that writes them, as the pricing pass
 * would set it; a model the book does not know stays unpriced (NULL), and the pass after the commit still
 * prices anything left, such as a merged request whose earliest copy was stored on another day.
 */
/** The stored copies of staged ids (in the stage's shape) set aside, then their rows deleted for replacement. */
function prepareMergeSql(): string {
  return `
CREATE OR REPLACE TEMP TABLE agent_stored AS
SELECT ${STORED_AS_STAGE}, cost_basis = 'billed' AS billed FROM usage WHERE id IN (SELECT id FROM agent_stage);

-- A staged request never replaces a billed record or a record of another source (issue 19: ids are derived
-- per source, so only a forged hash gets here): such stage rows are left out, the stored record kept.
DELETE FROM agent_stage s USING agent_stored t WHERE s.id = t.id AND (t.billed OR t.source <> s.source);
DELETE FROM agent_stored WHERE billed OR id NOT IN (SELECT id FROM agent_stage);
ALTER TABLE agent_stored DROP COLUMN billed;

CREATE OR REPLACE TEMP TABLE agent_known AS
SELECT id FROM agent_stage GROUP BY id HAVING count(*) > 1
UNION
SELECT id FROM agent_stored;

-- Only ids already stored can have a row to replace: the delete reads the (usually empty) list of those.
DELETE FROM usage WHERE id IN (SELECT id FROM agent_stored)`;
}

function mergeSql(localDay: string): string {
  const output = (from: string) => `
SELECT id, m.source, NULL AS stream, coalesce(m.granularity, 'request') AS granularity, start_at, end_at,
  ${localDay} AS day, m.tool, m.provider, m.model, input_tokens, cache_read_tokens, cache_write_tokens,
  output_tokens, reasoning_tokens, coalesce(requests, 1) AS requests, reported_cost AS cost,
  CASE WHEN reported_cost IS NOT NULL THEN 'provider_reported' ELSE 'list_estimate' END AS cost_basis,
  CASE WHEN reported_cost IS NOT NULL THEN m.price_ref END AS price_ref, m.dedup_key, m.actor_hash,
  m.actor_hint, NULL AS key_hash, NULL AS key_hint, NULL AS workspace, m.session_id,
  coalesce(m.repo, r.repo, m.cwd) AS repo, m.branch, NULL AS workflow, m.machine_id, m.tool_version,
  m.collapse_key, replica, m.cwd, ${DIMENSION_COUNT_COLUMNS.join(', ')}, ${BILLING_META}
FROM ${from} LEFT JOIN cwd_repos r ON r.cwd = m.cwd`;
  return `
INSERT INTO usage BY NAME
WITH copies AS (
  SELECT * FROM agent_stage WHERE id IN (SELECT id FROM agent_known)
  UNION ALL BY NAME
  SELECT * FROM agent_stored
), merged AS (
  SELECT id,
    max(input_tokens) AS input_tokens, max(cache_read_tokens) AS cache_read_tokens,
    max(cache_write_tokens) AS cache_write_tokens, max(output_tokens) AS output_tokens,
    max(reasoning_tokens) AS reasoning_tokens, max(reported_cost) AS reported_cost, max(requests) AS requests,
    ${DIMENSION_COUNT_COLUMNS.map((c) => `max(${c}) AS ${c}`).join(', ')},
    min(start_at) AS start_at, max(end_at) AS end_at, bool_and(replica) AS replica,
    arg_min(struct_pack(${META}),
      lpad(CAST(epoch_us(start_at) AS VARCHAR), 20, '0') || coalesce(session_id, '')) AS m
  FROM copies GROUP BY id
), rows AS (
${output('merged')}
UNION ALL
${output('(SELECT * FROM agent_stage ANTI JOIN agent_known USING (id)) m')}
), replayed AS (
  -- Collapse keys with a replica, over the rows written here and those kept: see RECOUNT_SQL for the rule.
  SELECT collapse_key, bool_or(NOT replica) AS has_original, min(CASE WHEN replica THEN id END) AS first_replica
  FROM (
    SELECT collapse_key, replica, id FROM rows WHERE collapse_key IS NOT NULL
    UNION ALL
    SELECT collapse_key, replica, id FROM usage WHERE collapse_key IN (SELECT collapse_key FROM agent_stage)
  )
  GROUP BY collapse_key HAVING bool_or(replica)
)
SELECT * EXCLUDE (list_ref, has_original, first_replica) REPLACE (
    CASE WHEN cost_basis = 'list_estimate' THEN est_cost ELSE cost END AS cost,
    CASE WHEN cost_basis = 'list_estimate' THEN list_ref ELSE price_ref END AS price_ref),
  CASE WHEN NOT replica OR has_original IS NULL THEN true ELSE NOT has_original AND id = first_replica END AS counted
FROM (
  SELECT o.*, ${requestEstimateSql('o', 'p')} AS est_cost, p.ref AS list_ref, x.has_original, x.first_replica
  FROM rows o LEFT JOIN price_rates p ON ${priceJoinSql('o', 'p')}
    LEFT JOIN replayed x ON x.collapse_key = o.collapse_key
)`;
}

const META = `source, tool, provider, model, granularity, collapse_key, price_ref, dedup_key, session_id, cwd, repo, branch,
  tool_version, actor_hash, actor_hint, machine_id, ${Object.keys(BILLING_COLUMN_TYPES).join(', ')}`;

/** The billing dimensions come from the copy the other metadata comes from (`m`). */
const BILLING_META = Object.keys(BILLING_COLUMN_TYPES)
  .map((c) => `m.${c}`)
  .join(', ');

/** A stored usage row in the stage's shape: a reported cost is the cost of a provider_reported row only. */
const STORED_AS_STAGE = `id, source, tool, provider, model, granularity, requests, collapse_key, replica, start_at, end_at, input_tokens,
  cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens,
  CASE WHEN cost_basis = 'provider_reported' THEN cost END AS reported_cost,
  CASE WHEN cost_basis = 'provider_reported' THEN price_ref END AS price_ref, dedup_key, session_id, cwd,
  CASE WHEN repo IS DISTINCT FROM cwd THEN repo END AS repo, branch, tool_version, actor_hash, actor_hint,
  machine_id, ${DIMENSION_COUNT_COLUMNS.join(', ')}, ${Object.keys(BILLING_COLUMN_TYPES).join(', ')}`;

/**
 * Replays count once (collapseReplicas in domain/usage.ts is the same rule in memory): within a collapse
 * key touched by this run, a replica counts only when the key has no original and it has the smallest id.
 * Originals always count, so only replicas are re-decided — a late original un-counts a replica.
 * The rows a commit writes already carry the rule's answer (mergeSql's `replayed`), so this changes only rows
 * stored before: an update of rows written in the same transaction would make DuckDB log every one of them to
 * the WAL (≈200 MB for 420k requests, written again at the checkpoint) instead of writing them once, compressed.
 */
/**
 * The counting rule of replicas (collapse keys), over the keys a write touched: `staged` is the table of the
 * rows just written. One definition, used by agent-log ingest and by every other append (the receiver's
 * Copilot spans are originals of the session-state totals an agent-log ingest may have stored before).
 */
export function recountSql(staged: string): string {
  return `
UPDATE usage SET counted = d.counted
FROM (
  SELECT u.id, NOT bool_or(NOT u.replica) OVER w AND u.id = min(CASE WHEN u.replica THEN u.id END) OVER w AS counted
  FROM usage u
  WHERE u.collapse_key IN (SELECT collapse_key FROM ${staged} WHERE collapse_key IS NOT NULL AND replica)
     OR u.collapse_key IN (
       SELECT collapse_key FROM usage WHERE replica AND collapse_key IN (SELECT collapse_key FROM ${staged}))
  WINDOW w AS (PARTITION BY u.collapse_key)
) d
WHERE usage.id = d.id AND usage.replica AND usage.counted IS DISTINCT FROM d.counted`;
}

const RECOUNT_SQL = recountSql('agent_stage');

const LOG_FILE_COLUMNS: Record<string, string> = {
  path: 'VARCHAR',
  source: 'VARCHAR',
  size: 'BIGINT',
  mtime_ms: 'DOUBLE',
  inode: 'VARCHAR',
  read_offset: 'BIGINT',
  lines: 'BIGINT',
  tail_hash: 'VARCHAR',
  state: 'VARCHAR',
  problems: 'BIGINT',
};

export class DuckAgentLogStore implements AgentLogStore {
  private staged = false;

  constructor(private readonly host: DuckHost) {}

  private async ensureStage(): Promise<void> {
    if (this.staged) return;
    await this.host.run(
      `CREATE OR REPLACE TEMP TABLE agent_stage (${Object.entries(STAGE_COLUMNS)
        .map(([n, t]) => `${n} ${t}`)
        .join(', ')})`,
    );
    this.staged = true;
  }

  /**
   * The bulk read of whole transcripts (claude-transcripts.ts). On a first stage the scan's table becomes the
   * stage itself once the flagged files' rows are deleted (no copy of 400k rows); its extra columns
   * (file_index, req, bad, lines) are null on rows staged later and ignored by the merge. A file with a line
   * too long for the reader is flagged and the others read again.
   */
  async stageClaudeTranscripts(files: readonly TranscriptFile[]): Promise<TranscriptScan[]> {
    if (files.length === 0) return [];
    const tooLong = new Set<string>();
    const rest = () => files.filter((f) => !tooLong.has(f.path));
    const t = performance.now();
    let perFile: { file_index: number; rows: number; suspicious: boolean }[] = [];
    while (rest().length > 0) {
      try {
        perFile = await this.scanTranscripts(rest());
        break;
      } catch (cause) {
        const file = overlongLineFile(cause instanceof Error ? cause.message : String(cause));
        if (file === null || tooLong.has(file) || !files.some((f) => f.path === file)) throw cause;
        tooLong.add(file);
      }
    }
    trace('stage', t);
    const read = rest();
    const scans = new Map<string, TranscriptScan>();
    for (const r of perFile) {
      const path = read[Number(r.file_index)]?.path;
      if (path) scans.set(path, { path, rows: Number(r.rows), suspicious: r.suspicious === true });
    }
    return files.map((f) => scans.get(f.path) ?? { path: f.path, rows: 0, suspicious: tooLong.has(f.path) });
  }

  private async scanTranscripts(
    files: readonly TranscriptFile[],
  ): Promise<{ file_index: number; rows: number; suspicious: boolean }[]> {
    const rows = files.map((f, idx) => {
      const actor = identity(f.actor);
      return { idx, actor_hash: actor.hash, actor_hint: actor.hint, machine_id: f.machineId };
    });
    await this.writeRows(
      rows,
      ['idx', 'actor_hash', 'actor_hint', 'machine_id'],
      { idx: 'BIGINT', actor_hash: 'VARCHAR', actor_hint: 'VARCHAR', machine_id: 'VARCHAR' },
      (reader) => `CREATE OR REPLACE TEMP TABLE cc_files AS SELECT * FROM ${reader}`,
    );
    const table = this.staged ? 'cc_stage' : 'agent_stage';
    try {
      let offset = 0;
      for (const part of scanParts(files, this.host.scanPartBytes())) {
        const list = `[${part.map((f) => sqlString(f.path)).join(', ')}]`;
        await this.runGrowingMemory(() =>
          this.host.run(transcriptStageSql(table, list, { offset, append: offset > 0 })),
        );
        offset += part.length;
      }
    } finally {
      await this.host.run('DROP TABLE cc_files');
    }
    // The bulk reader's rows are requests: the columns other sources fill are added empty (null = one request).
    await this.host.run(
      `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS granularity VARCHAR; ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS requests BIGINT`,
    );
    const perFile = await this.host.query<{ file_index: number; rows: number; suspicious: boolean }>(
      transcriptFilesSql(table),
    );
    await this.host.run(keepCleanRequestsSql(table));
    if (table === 'cc_stage') {
      await this.host.run(
        'INSERT INTO agent_stage BY NAME SELECT * EXCLUDE (file_index, req, bad, lines) FROM cc_stage; DROP TABLE cc_stage',
      );
    }
    this.staged = true;
    // The scan leaves DuckDB holding about twice its bound (the stage, and pages its allocator keeps for a
    // while); the exact parser's heap would grow on top of that. The merge reads the stage back from the
    // temp file at no measurable cost: in four alternating runs each on the bench corpus, peaks of 502–544 MB
    // against 518–584 MB without, at the same speed.
    await this.host.shedMemory();
    return perFile;
  }

  /**
   * One statement that stands alone (a failed one changed nothing), run again with a doubled memory bound
   * while it runs out of the store's bound and the bound can still grow.
   */
  private async runGrowingMemory<T>(work: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await work();
      } catch (cause) {
        if (!isOutOfMemory(cause) || !(await this.host.growMemory())) throw cause;
      }
    }
  }

  async stageRecords(records: readonly UsageRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.ensureStage();
    const csv = csvValuesText(records.map(stageValues), STAGE_NAMES);
    await this.host.withTempFile('rows.csv', csv, (path) =>
      this.host.run(`INSERT INTO agent_stage BY NAME SELECT * FROM ${csvReader(path, STAGE_COLUMNS)}`),
    );
  }

  async stageBundleRows(
    rows: readonly AgentRequestRow[],
    actor: string | null,
    machineId: string | null,
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.ensureStage();
    const who = identity(actor);
    // The bundle's person and machine are the same on every row: bound once, not copied into each row (a
    // copy of 420k rows took 1.7 s).
    const columns = Object.fromEntries(
      Object.entries(STAGE_COLUMNS).filter(([name]) => !ATTRIBUTION_COLUMNS.includes(name)),
    );
    await this.writeRows(
      rows,
      Object.keys(columns),
      columns,
      (reader) => `INSERT INTO agent_stage BY NAME
         SELECT *, $actor_hash::VARCHAR AS actor_hash, $actor_hint::VARCHAR AS actor_hint,
           $machine_id::VARCHAR AS machine_id
         FROM ${reader}`,
      { actor_hash: who.hash, actor_hint: who.hint, machine_id: machineId },
    );
  }

  /**
   * Rows into the database through a CSV batch read by DuckDB (see csv.ts for why); `params` are bound to
   * the statement's `$name`s. Without them the statement runs unprepared: prepared, the CSV read of
   * `cc_files` needed a 30 MiB block more and failed under a tight bound.
   */
  private async writeRows(
    rows: readonly Record<string, string | number | boolean | null>[],
    names: readonly string[],
    columns: Record<string, string> | 'all_varchar',
    statement: (reader: string) => string,
    params?: Record<string, SqlParam>,
  ): Promise<void> {
    await this.host.withTempFile('rows.csv', csvText(rows, names), async (path) => {
      const sql = statement(csvReader(path, columns));
      if (params) await this.host.query(sql, params);
      else await this.host.run(sql);
    });
  }

  async commit(
    resolveRepos: (cwds: string[]) => Promise<Map<string, string>>,
    priceFor?: PriceLookup,
  ): Promise<AgentCommit> {
    if (!this.staged) return { staged: 0, added: 0 };
    // Folders resolved by an older Mileage are resolved again, once: it named a clone of a local
    // repository by the clone's origin path, lower-cased, where the repository key is that origin's own key.
    const keyed = await this.host.query(
      `SELECT 1 FROM meta WHERE key = 'cwd_repos_keys' AND value = ${sqlString(CWD_REPOS_KEYS)}`,
    );
    const unknown = await this.host.query<{ cwd: string }>(
      `SELECT DISTINCT cwd FROM agent_stage WHERE cwd IS NOT NULL AND repo IS NULL AND cwd NOT IN (SELECT cwd FROM cwd_repos)
       ${keyed.length === 0 ? 'UNION SELECT cwd FROM cwd_repos' : ''}`,
    );
    if (unknown.length > 0) {
      const resolved = await resolveRepos(unknown.map((r) => r.cwd));
      const rows = [...resolved].map(([cwd, repo]) => ({ cwd, repo }));
      if (rows.length > 0)
        await this.writeRows(
          rows,
          ['cwd', 'repo'],
          'all_varchar',
          (reader) => `INSERT OR REPLACE INTO cwd_repos SELECT * FROM ${reader}`,
        );
    }
    if (keyed.length === 0)
      await this.host.run(
        `INSERT OR REPLACE INTO meta VALUES ('cwd_repos_keys', ${sqlString(CWD_REPOS_KEYS)})`,
      );
    let t = performance.now();
    await this.loadPrices(priceFor);
    trace('prices', t);
    for (;;) {
      await this.host.run('BEGIN TRANSACTION');
      try {
        t = performance.now();
        await this.host.run(prepareMergeSql());
        const [stored] = await this.host.query('SELECT count(*) AS n FROM agent_stored');
        trace('merge', t);
        t = performance.now();
        const [written] = await this.host.query(mergeSql(this.host.localDay('start_at')));
        trace('write', t);
        t = performance.now();
        await this.host.run(RECOUNT_SQL);
        trace('recount', t);
        t = performance.now();
        await this.host.run(
          'DROP TABLE agent_stage; DROP TABLE agent_known; DROP TABLE agent_stored; DROP TABLE price_rates',
        );
        await this.host.run('COMMIT');
        trace('commit', t);
        this.staged = false;
        const merged = Number(written?.Count ?? 0);
        return { staged: merged, added: merged - Number(stored?.n ?? 0) };
      } catch (cause) {
        await this.host.run('ROLLBACK');
        // The merge holds the whole stage in memory: a stage larger than the store's bound allows (over
        // ~450k requests, a 1.4 GB transcript corpus, in a new store) is merged again, whole, with twice the
        // bound. The stage (made before the transaction) is still there; nothing was written.
        if (isOutOfMemory(cause) && (await this.host.growMemory())) continue;
        this.staged = false;
        throw cause;
      }
    }
  }

  /** `price_rates` for the models and UTC days of the stage (empty without a price lookup). */
  private async loadPrices(priceFor: PriceLookup | undefined): Promise<void> {
    const targets = priceFor
      ? (
          await this.host.query(
            `SELECT DISTINCT ${PRICING_TARGET_SQL} FROM agent_stage s WHERE ${priceableSql('s')}`,
          )
        ).map(pricingTargetOf)
      : [];
    const prices = priceFor && targets.length > 0 ? priceFor(targets) : [];
    if (prices.length === 0) {
      await this.host.run(EMPTY_PRICE_RATES_SQL);
      return;
    }
    await this.host.withTempFile('rates.jsonl', priceRatesJson(prices), (path) =>
      this.host.run(priceRatesSql(path)),
    );
  }

  async fileStates(source: string): Promise<LogFileState[]> {
    const rows = await this.host.query('SELECT * FROM log_files WHERE source = $source', { source });
    return rows.map((r) => ({
      path: String(r.path),
      source: String(r.source),
      size: Number(r.size),
      mtimeMs: Number(r.mtime_ms),
      inode: String(r.inode),
      offset: Number(r.read_offset),
      lines: r.lines === null ? null : Number(r.lines),
      tailHash: String(r.tail_hash),
      state: r.state === null ? null : String(r.state),
      problems: Number(r.problems),
    }));
  }

  async saveFileStates(states: readonly LogFileState[]): Promise<void> {
    if (states.length === 0) return;
    const rows = states.map((s) => ({
      path: s.path,
      source: s.source,
      size: s.size,
      mtime_ms: s.mtimeMs,
      inode: s.inode,
      read_offset: s.offset,
      lines: s.lines,
      tail_hash: s.tailHash,
      state: s.state,
      problems: s.problems,
    }));
    await this.writeRows(
      rows,
      Object.keys(LOG_FILE_COLUMNS),
      LOG_FILE_COLUMNS,
      (reader) => `INSERT OR REPLACE INTO log_files BY NAME SELECT * FROM ${reader}`,
    );
  }

  /**
   * Written by DuckDB itself (its JSON writer): the rows never become JS objects, which for 420k requests
   * took 19 s and a 3.2 GB peak. A count and a cost stay exact (the cost as its decimal text). Not gzipped
   * here: DuckDB's gzip took 5.5 s for those requests' 265 MB, Node's zlib 1.9 s.
   */
  async exportRequests(sources: readonly string[], path: string): Promise<number> {
    const list = sources.map(sqlString).join(', ');
    // Sorting every request may outgrow a bounded store's limit: a failed COPY is run again (it rewrites `path`).
    const [written] = await this.runGrowingMemory(() =>
      this.host.query(
        `COPY (
         SELECT * EXCLUDE (actor_hash, actor_hint, machine_id) REPLACE (
           CAST(reported_cost AS VARCHAR) AS reported_cost,
           strftime(start_at, '%Y-%m-%dT%H:%M:%S.%fZ') AS start_at, strftime(end_at, '%Y-%m-%dT%H:%M:%S.%fZ') AS end_at)
         FROM (SELECT ${STORED_AS_STAGE} FROM usage WHERE source IN (${list}))
         ORDER BY start_at, id
       ) TO ${sqlString(path)} (FORMAT json)`,
      ),
    );
    return Number(written?.Count ?? 0);
  }

  async discardStage(): Promise<void> {
    if (this.staged) await this.host.run('DROP TABLE IF EXISTS agent_stage');
    this.staged = false;
  }
}
