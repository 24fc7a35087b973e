import type { AcceptedTimes } from '../../domain/accepted-times.js';
import { RECORD_BOUNDS } from '../../domain/record-bounds.js';
import { sqlIdent, sqlString } from '../sql-text.js';
import { USAGE_FILE_COLUMNS, type UsageFileColumn, type UsageFileLoad } from '../db.js';
import { CSV_REJECT_OPTIONS } from './file-rejects.js';
import { amountCheckSql, textCheckSql, timeRangeCheckSql, wholeCheckSql } from './bounds-sql.js';

/**
 * Generic usage files (CSV, JSONL, Parquet) are read by DuckDB's own readers: at GB/s, with every value
 * first read as text so that one bad cell rejects one row (with its line and column) instead of the file.
 *
 * Documented columns (docs/inputs.md, "Generic usage files"): `timestamp` (required, ISO-8601), `model` (required),
 * `tool`, `provider`, `input_tokens` (uncached input), `cache_read_tokens`, `cache_write_tokens`,
 * `output_tokens` (reasoning included), `reasoning_tokens`, `requests` (default 1), `cost_usd` (decimal),
 * `cost_basis` (billed | provider_reported | list_estimate; default provider_reported when cost_usd is
 * given, else list_estimate to be priced), `key_id`, `user`, `workflow`, `session_id`, `repo`, `branch`,
 * `stream`.
 */
export function rawUsageFileSql(load: UsageFileLoad): string {
  const path = sqlString(load.path);
  const numbered = (reader: string, offset: number) =>
    `CREATE OR REPLACE TEMP TABLE raw_file AS SELECT *, CAST(row_number() OVER () + ${offset} AS BIGINT) AS line FROM ${reader}`;
  switch (load.format) {
    case 'csv':
      // Line numbers count the header as line 1.
      return numbered(
        `read_csv(${path}, header = true, all_varchar = true, auto_detect = true, ${CSV_REJECT_OPTIONS})`,
        1,
      );
    case 'jsonl':
      // Each line as text (a delimiter no JSON text contains), so that one malformed line is one rejected
      // row with its exact line number, never a failed file; blank lines keep their number and are skipped.
      return `CREATE OR REPLACE TEMP TABLE raw_lines AS
        SELECT j, CAST(row_number() OVER () AS BIGINT) AS line
        FROM read_csv(${path}, header = false, columns = {'j': 'VARCHAR'}, delim = ${sqlString(String.fromCharCode(1))},
          quote = '', escape = '', auto_detect = false, ${CSV_REJECT_OPTIONS})`;
    case 'parquet':
      return numbered(`read_parquet(${path})`, 0);
    default:
      load.format satisfies never;
      throw new Error(`unknown format ${String(load.format)}`);
  }
}

/** The keys of every JSON object line of `raw_lines`. */
export const JSONL_KEYS_SQL = `SELECT DISTINCT unnest(json_keys(j)) AS k FROM raw_lines
  WHERE CASE WHEN json_valid(j) THEN json_type(j) = 'OBJECT' ELSE false END ORDER BY k`;

/** `raw_file` from `raw_lines`: one text column per key, and why a line is not an object (`__line_problem`). */
export function jsonlColumnsSql(keys: readonly string[]): string {
  const isObject = `CASE WHEN json_valid(j) THEN json_type(j) = 'OBJECT' ELSE false END`;
  const columns = keys.map(
    (k) =>
      `CASE WHEN ${isObject} THEN json_extract_string(j, ${sqlString(jsonKeyPath(k))}) END AS ${sqlIdent(k)}`,
  );
  return `CREATE OR REPLACE TEMP TABLE raw_file AS
    SELECT ${[...columns, `CASE WHEN NOT ${isObject} THEN 'not a JSON object: ' || left(j, 60) END AS __line_problem`, 'line'].join(', ')}
    FROM raw_lines WHERE j IS NOT NULL AND trim(j) <> ''`;
}

/** A JSON path naming one top-level key, whatever characters the key holds. */
function jsonKeyPath(key: string): string {
  return `$."${key.replaceAll('"', '\\"')}"`;
}

/** The whole-number columns: token counts and requests. */
const TOKEN_COLUMNS = USAGE_FILE_COLUMNS.filter((c) => c.endsWith('_tokens') || c === 'requests');

/** Columns holding names (bounded shorter than other text). */
const NAME_COLUMNS = new Set<UsageFileColumn>([
  'tool',
  'provider',
  'model',
  'stream',
  'workflow',
  'cost_basis',
]);

/** SQL that stages the valid rows of a raw table `raw_file` (all VARCHAR + `line`), and lists the rejects. */
export function stageUsageFileSql(
  load: UsageFileLoad,
  fileColumns: readonly string[],
  localDay: (column: string) => string,
  times: AcceptedTimes,
): { checkedSql: string; stageSql: string; rejectedSql: string } {
  const present = new Set(fileColumns);
  const col = (c: UsageFileColumn): string => {
    const name = load.columns?.[c] ?? c;
    return present.has(name) ? `nullif(trim(CAST(${sqlIdent(name)} AS VARCHAR)), '')` : 'NULL';
  };
  const checks: string[] = [
    ...(present.has('__line_problem')
      ? ["CASE WHEN __line_problem IS NOT NULL THEN 'json|' || __line_problem END"]
      : []),
    `CASE WHEN ${col('timestamp')} IS NULL THEN 'timestamp|missing' WHEN try_cast(${col('timestamp')} AS TIMESTAMPTZ) IS NULL THEN 'timestamp|not an ISO-8601 time: ' || ${col('timestamp')} END`,
    `CASE WHEN ${col('model')} IS NULL THEN 'model|missing' END`,
    timeRangeCheckSql('timestamp', `try_cast(${col('timestamp')} AS TIMESTAMPTZ)`, times),
    // The bounds every path applies (domain/record-bounds.ts): one row of a usage file is one request.
    ...TOKEN_COLUMNS.map((c) =>
      wholeCheckSql(
        c,
        col(c),
        c === 'requests' ? RECORD_BOUNDS.requestsPerRequestRecord : RECORD_BOUNDS.tokensPerRequest,
      ),
    ),
    amountCheckSql('cost_usd', col('cost_usd'), RECORD_BOUNDS.amountUsd, `${col('cost_basis')} = 'billed'`),
    ...USAGE_FILE_COLUMNS.filter((c) => !TOKEN_COLUMNS.includes(c) && c !== 'cost_usd').map((c) =>
      textCheckSql(c, col(c), NAME_COLUMNS.has(c) ? RECORD_BOUNDS.nameChars : RECORD_BOUNDS.textChars),
    ),
    `CASE WHEN ${col('cost_basis')} IS NOT NULL AND ${col('cost_basis')} NOT IN ('billed', 'provider_reported', 'list_estimate') THEN 'cost_basis|expected billed, provider_reported or list_estimate, got ' || ${col('cost_basis')} END`,
    `CASE WHEN ${col('cost_basis')} = 'billed' AND ${col('cost_usd')} IS NULL THEN 'cost_usd|required when cost_basis is billed' END`,
    ...(load.billedRefused === undefined
      ? []
      : [
          `CASE WHEN ${col('cost_basis')} = 'billed' THEN ${sqlString(`cost_basis|${load.billedRefused}`)} END`,
        ]),
  ];
  const tok = (c: UsageFileColumn, dflt = '0') => `coalesce(try_cast(${col(c)} AS BIGINT), ${dflt})`;
  const hashOf = (c: UsageFileColumn) =>
    `CASE WHEN ${col(c)} IS NULL THEN NULL ELSE 'h:' || left(sha256(lower(${col(c)})), 24) END`;
  // The SQL twin of domain/ids.ts redact(): a display hint that cannot recover the value.
  const hintOf = (c: UsageFileColumn) =>
    `CASE WHEN ${col(c)} IS NULL THEN NULL WHEN position('@' IN ${col(c)}) > 1 THEN left(${col(c)}, 1) || '••@' || split_part(${col(c)}, '@', 2) WHEN length(${col(c)}) <= 8 THEN left(${col(c)}, 2) || '••' ELSE left(${col(c)}, 6) || '…' || right(${col(c)}, 4) END`;
  const content = USAGE_FILE_COLUMNS.map((c) => `coalesce(${col(c)}, '')`).join(` || '|' || `);
  const checkedSql = `CREATE OR REPLACE TEMP TABLE checked AS
    SELECT *, coalesce(${checks.join(', ')}) AS problem,
      ${content} AS content
    FROM raw_file`;
  const costBasis = `coalesce(${col('cost_basis')}, CASE WHEN ${col('cost_usd')} IS NOT NULL THEN 'provider_reported' ELSE 'list_estimate' END)`;
  const stageSql = `CREATE OR REPLACE TEMP TABLE staging AS
    SELECT
      left(sha256(${sqlString(load.source)} || '|' || content || '|' || CAST(row_number() OVER (PARTITION BY content ORDER BY line) AS VARCHAR)), 32) AS id,
      ${sqlString(load.source)} AS source,
      ${col('stream')} AS stream,
      'request' AS granularity,
      CAST(${col('timestamp')} AS TIMESTAMPTZ) AS start_at,
      CAST(${col('timestamp')} AS TIMESTAMPTZ) AS end_at,
      ${localDay(`CAST(${col('timestamp')} AS TIMESTAMPTZ)`)} AS day,
      ${col('tool')} AS tool, ${col('provider')} AS provider, ${col('model')} AS model,
      ${tok('input_tokens')} AS input_tokens, ${tok('cache_read_tokens')} AS cache_read_tokens,
      ${tok('cache_write_tokens')} AS cache_write_tokens, ${tok('output_tokens')} AS output_tokens,
      ${tok('reasoning_tokens')} AS reasoning_tokens, ${tok('requests', '1')} AS requests,
      CASE WHEN ${costBasis} = 'list_estimate' THEN NULL ELSE try_cast(${col('cost_usd')} AS DECIMAL(18,10)) END AS cost,
      NULL AS est_cost,
      ${costBasis} AS cost_basis,
      CASE WHEN ${costBasis} = 'list_estimate' THEN NULL ELSE ${sqlString(load.source)} END AS price_ref,
      NULL AS dedup_key,
      ${hashOf('user')} AS actor_hash, ${hintOf('user')} AS actor_hint,
      ${hashOf('key_id')} AS key_hash, ${hintOf('key_id')} AS key_hint,
      NULL AS workspace, ${col('session_id')} AS session_id, ${col('repo')} AS repo, ${col('branch')} AS branch,
      ${col('workflow')} AS workflow, NULL AS machine_id, NULL AS tool_version
    FROM checked WHERE problem IS NULL`;
  const rejectedSql = `SELECT line, split_part(problem, '|', 1) AS field, split_part(problem, '|', 2) AS message
    FROM checked WHERE problem IS NOT NULL ORDER BY line`;
  return { checkedSql, stageSql, rejectedSql };
}
