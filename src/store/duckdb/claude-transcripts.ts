import { sqlString } from '../sql-text.js';
import { currentAcceptedTimes } from '../../domain/accepted-times.js';
import { RECORD_BOUNDS } from '../../domain/record-bounds.js';
import { batchSql, serviceTierSql, speedSql } from './dimensions.js';
import { MAX_TOKENS_PER_REQUEST } from '../../domain/record-bounds.js';

/**
 * Claude Code transcripts read by DuckDB's own JSON reader: parallel scans of up to SCAN_PART_BYTES of files
 * each, grouped per (file, request) in the same pass, and written as staged requests in the same statement. This is the bulk
 * path of `ingest claude-code`; the JS parser (sources/spend/claude-code/parse.ts) stays the definition, and
 * this SQL must agree with it line for line.
 *
 * The reader is lenient where the parser is strict: with ignore_errors an invalid line becomes a row of nulls,
 * and a value read as text loses its JSON type (`"5"` and `5` both read as '5'). So every field is read as
 * its JSON text, which keeps the type (a string keeps its quotes), and checked here; a file with any line that
 * fails a check, or that the reader cannot tell from a bad one, is flagged `suspicious`, stages nothing, and
 * goes to the parser, which reports each problem with its line number. Clean files — nearly all of them —
 * never leave DuckDB.
 *
 * One difference is known and left: an object with the same key twice. DuckDB's reader keeps the first value,
 * JSON.parse the last, and neither can see the repeat without a second parse of every line. No JSON writer
 * (Claude Code's included) produces such a line; src/ingest/agent-logs/wrong-types.test.ts checks every
 * other way a field can be of the wrong type or shape.
 */

const COUNT = '[0-9]{1,8}'; // a whole, non-negative count; longer than 8 digits is absurd (> 10M) anyway
/**
 * An instant as the parser's schema takes it (zod's ISO datetime with an offset), or narrower: hours to 23
 * (DuckDB reads 24:00 as the next day), an offset with its colon, and at most microseconds, which DuckDB
 * keeps exactly so that cutting them to milliseconds gives what JavaScript's Date gives. A calendar date that
 * does not exist fails DuckDB's cast, as it fails the schema.
 */
const ISO_INSTANT =
  '"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"';
const DECIMAL = '[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?';

/**
 * The largest JSON line the reader takes. Its buffers are sized from this (twice over, per thread), so it
 * bounds the scan's memory; a file with a longer line fails the scan, is named by the error, and goes to the
 * exact parser (see DuckAgentLogStore.stageClaudeTranscripts).
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/**
 * Every field as JSON text but `type` (a line is an assistant line only when it is the string 'assistant',
 * which no other JSON value reads as) and the objects the fields sit in. A non-object where an object belongs
 * reads as an object of nulls or as null; the checks below treat both as a line the parser must judge.
 */
const COLUMNS = `{
  type: 'VARCHAR', requestId: 'JSON', timestamp: 'JSON', sessionId: 'JSON', cwd: 'JSON',
  gitBranch: 'JSON', version: 'JSON', isSidechain: 'JSON', costUSD: 'JSON', data: 'JSON',
  message: 'STRUCT(id JSON, model JSON, usage STRUCT(input_tokens JSON, cache_creation_input_tokens JSON,
    cache_read_input_tokens JSON, output_tokens JSON,
    cache_creation STRUCT(ephemeral_5m_input_tokens JSON, ephemeral_1h_input_tokens JSON),
    server_tool_use STRUCT(web_search_requests JSON, web_fetch_requests JSON, code_execution_requests JSON),
    service_tier JSON, speed JSON))'
}`;

/**
 * The checked number fields of a line in one string, matched by one regular expression (one match a line
 * instead of eight). Missing required counts become 'x', which fails; missing optional ones '0'. A count or a
 * cost written as a string keeps its quotes and fails too. No field can hide a '|' from the pattern: each part
 * is matched whole, so a stray separator fails the line.
 */
const LINE_SHAPE = `'${[COUNT, COUNT, COUNT, COUNT, COUNT, COUNT, ISO_INSTANT, DECIMAL].join('\\|')}'`;
const SHAPED_FIELDS = `concat(coalesce(n_input, 'x'), '|', coalesce(n_output, 'x'), '|',
  coalesce(n_cache_read, '0'), '|', coalesce(n_cache_write, '0'), '|',
  coalesce(n_5m, '0'), '|', coalesce(n_1h, '0'), '|', ts, '|', coalesce(cost, '0'))`;

/** A non-empty JSON string (its text starts with a quote, and is more than the two quotes). */
const nonEmptyString = (x: string) => `(starts_with(${x}, '"') AND ${x} <> '""')`;
/** An optional string field: absent, or a JSON string. */
const optionalString = (x: string) => `(${x} IS NULL OR starts_with(${x}, '"'))`;
/** An optional string field that may not be empty when present. */
const optionalNonEmptyString = (x: string) => `(${x} IS NULL OR ${nonEmptyString(x)})`;
/** The value of a JSON string's text: its quotes taken off, and its escapes read when it has any. */
const unquoted = (x: string) =>
  `CASE WHEN contains(${x}, '\\') THEN json_extract_string(${x}, '$') ELSE ${x}[2:-2] END`;

const asCount = (x: string) => `coalesce(TRY_CAST(${x} AS BIGINT), 0)`;
/** A server-tool count as anthropicServerTools reads it: a whole JSON number, else none (never a bad line). */
const toolCount = (x: string) =>
  `CASE WHEN regexp_full_match(coalesce(${x}, ''), ${sqlString(COUNT)}) THEN CAST(${x} AS BIGINT) ELSE 0 END`;
/** A JSON string's text lower-cased, NULL for any other JSON value (the parser ignores those too). */
const word = (x: string) => `CASE WHEN starts_with(${x}, '"') THEN lower(trim(${unquoted(x)})) END`;
const CACHE_WRITE = `CASE WHEN has_split THEN ${asCount('n_5m')} + ${asCount('n_1h')} ELSE ${asCount('n_cache_write')} END`;

/**
 * The temp table `table`: one row per (file, request) of the assistant lines with usage, in the stage's
 * columns (with the ids the parser gives: recordId over message and request id), plus one row per file for
 * its other lines. Every row carries `file_index` (the file's place in `fileList`, a SQL list of paths, plus
 * `part.offset`: the place of that list in the whole scan),
 * `lines` (JSON lines seen), `bad` (a line the parser would report) and `req` (a request row). `cc_files`
 * (idx, actor_hash, actor_hint, machine_id) gives each file's attribution. The first part creates the table,
 * later parts (`part.append`) add to it.
 *
 * A line is `bad` when it is not a JSON object with a type, or an assistant line with usage that fails the
 * schema (a check that cannot be decided counts as failed) or claims an absurd token count; `<synthetic>`
 * lines (local errors) are not requests. An assistant line without usage is `bad` too: the reader cannot tell
 * `"usage": null` (a problem) from no usage at all (not a request), so the parser decides. So is a cache-write
 * split with neither count: it may be `{}` (valid) or not an object at all.
 */
export function transcriptStageSql(
  table: string,
  fileList: string,
  part: { offset: number; append: boolean } = { offset: 0, append: false },
): string {
  // A time outside the accepted range, or a cost beyond the bound (domain/record-bounds.ts): the file goes to
  // the parser, whose records the one validator rejects with the field named (a cost of 1e8 was once read
  // as no cost at all, and replaced by the list estimate without a word).
  const times = currentAcceptedTimes();
  const outOfBounds = `coalesce(ts_at < CAST(${sqlString(times.earliest.toISOString())} AS TIMESTAMPTZ)
    OR ts_at > CAST(${sqlString(times.latest.toISOString())} AS TIMESTAMPTZ)
    OR TRY_CAST(cost AS DOUBLE) > ${RECORD_BOUNDS.amountUsd}
    OR length(model) > ${RECORD_BOUNDS.nameChars + 2}
    OR greatest(length(sid), length(cwd), length(branch), length(version)) > ${RECORD_BOUNDS.textChars + 2}, false)`;
  return `
${part.append ? `INSERT INTO ${table}` : `CREATE OR REPLACE TEMP TABLE ${table} AS`}
WITH lines AS (
  -- A subagent's assistant line copied into its parent by an agent_progress line (see parse.ts) is read in the
  -- progress line's place, as that line: what it lacks taken from the progress line, always a sidechain line.
  -- Only copies with a usage object; one pass, one row a line.
  SELECT file_index + ${Math.floor(part.offset)} AS file_index,
    CASE WHEN cp THEN 'assistant' ELSE type END AS type,
    CASE WHEN cp THEN json_extract(m, '$.requestId') ELSE requestId END::VARCHAR AS rid,
    CASE WHEN cp THEN coalesce(json_extract(m, '$.timestamp'), timestamp) ELSE timestamp END::VARCHAR AS ts,
    CASE WHEN cp THEN coalesce(json_extract(m, '$.sessionId'), sessionId) ELSE sessionId END::VARCHAR AS sid,
    CASE WHEN cp THEN coalesce(json_extract(m, '$.cwd'), cwd) ELSE cwd END::VARCHAR AS cwd,
    CASE WHEN cp THEN coalesce(json_extract(m, '$.gitBranch'), gitBranch) ELSE gitBranch END::VARCHAR AS branch,
    CASE WHEN cp THEN coalesce(json_extract(m, '$.version'), version) ELSE version END::VARCHAR AS version,
    CASE WHEN cp THEN 'true' ELSE isSidechain::VARCHAR END AS side,
    CASE WHEN cp THEN json_extract(m, '$.costUSD') ELSE costUSD END::VARCHAR AS cost,
    CASE WHEN cp THEN json_extract(m, '$.message.id')::VARCHAR ELSE message.id::VARCHAR END AS mid,
    CASE WHEN cp THEN json_extract(m, '$.message.model')::VARCHAR ELSE message.model::VARCHAR END AS model,
    cp OR message.usage IS NOT NULL AS has_usage,
    CASE WHEN cp THEN json_extract(m, '$.message.usage.input_tokens')::VARCHAR
      ELSE message.usage.input_tokens::VARCHAR END AS n_input,
    CASE WHEN cp THEN json_extract(m, '$.message.usage.output_tokens')::VARCHAR
      ELSE message.usage.output_tokens::VARCHAR END AS n_output,
    CASE WHEN cp THEN json_extract(m, '$.message.usage.cache_read_input_tokens')::VARCHAR
      ELSE message.usage.cache_read_input_tokens::VARCHAR END AS n_cache_read,
    CASE WHEN cp THEN json_extract(m, '$.message.usage.cache_creation_input_tokens')::VARCHAR
      ELSE message.usage.cache_creation_input_tokens::VARCHAR END AS n_cache_write,
    CASE WHEN cp THEN json_extract(m, '$.message.usage.cache_creation') IS NOT NULL
      ELSE message.usage.cache_creation IS NOT NULL END AS has_split,
    CASE WHEN cp THEN json_extract(m, '$.message.usage.cache_creation.ephemeral_5m_input_tokens')::VARCHAR
      ELSE message.usage.cache_creation.ephemeral_5m_input_tokens::VARCHAR END AS n_5m,
    CASE WHEN cp THEN json_extract(m, '$.message.usage.cache_creation.ephemeral_1h_input_tokens')::VARCHAR
      ELSE message.usage.cache_creation.ephemeral_1h_input_tokens::VARCHAR END AS n_1h,
    CASE WHEN cp THEN json_extract(m, '$.message.usage.server_tool_use.web_search_requests')::VARCHAR
      ELSE message.usage.server_tool_use.web_search_requests::VARCHAR END AS n_web_search,
    CASE WHEN cp THEN json_extract(m, '$.message.usage.server_tool_use.web_fetch_requests')::VARCHAR
      ELSE message.usage.server_tool_use.web_fetch_requests::VARCHAR END AS n_web_fetch,
    CASE WHEN cp THEN json_extract(m, '$.message.usage.server_tool_use.code_execution_requests')::VARCHAR
      ELSE message.usage.server_tool_use.code_execution_requests::VARCHAR END AS n_code_execution,
    CASE WHEN cp THEN json_extract(m, '$.message.usage.service_tier')::VARCHAR
      ELSE message.usage.service_tier::VARCHAR END AS tier_json,
    CASE WHEN cp THEN json_extract(m, '$.message.usage.speed')::VARCHAR
      ELSE message.usage.speed::VARCHAR END AS speed_json
  FROM (
    SELECT *, coalesce(json_extract_string(m, '$.type') = 'assistant'
      AND json_type(m, '$.message.usage') = 'OBJECT', false) AS cp
    FROM (
      SELECT file_index, *, CASE WHEN type = 'progress' AND json_extract_string(data, '$.type') = 'agent_progress'
        THEN json_extract(data, '$.message') END AS m
      FROM read_json(${fileList}, format = 'newline_delimited', columns = ${COLUMNS}, ignore_errors = true,
        maximum_object_size = ${MAX_LINE_BYTES})
    )
  )
), timed AS (
  SELECT *, TRY_CAST(ts[2:-2] AS TIMESTAMPTZ) AS ts_at FROM lines
), checked AS (
  SELECT *,
    ${asCount('n_input')} AS input, ${asCount('n_cache_read')} AS cache_read,
    ${CACHE_WRITE} AS cache_write, ${asCount('n_output')} AS output,
    CASE WHEN has_split THEN ${asCount('n_1h')} ELSE 0 END AS cache_write_1h,
    type = 'assistant' AND has_usage AS usage_line,
    coalesce(${nonEmptyString('mid')} AND ${nonEmptyString('model')} AND ts_at IS NOT NULL
      AND ${optionalNonEmptyString('sid')} AND ${optionalNonEmptyString('rid')} AND ${optionalString('cwd')}
      AND ${optionalString('branch')} AND ${optionalString('version')}
      AND (side IS NULL OR side IN ('true', 'false'))
      AND (NOT has_split OR n_5m IS NOT NULL OR n_1h IS NOT NULL)
      AND regexp_full_match(${SHAPED_FIELDS}, ${LINE_SHAPE}), false) AS valid
  FROM timed
), classified AS (
  SELECT *,
    usage_line AND valid AND model <> '"<synthetic>"' AND input + cache_read + cache_write + output <= ${MAX_TOKENS_PER_REQUEST} AND NOT ${outOfBounds} AS req,
    type IS NULL OR (type = 'assistant' AND NOT has_usage) OR (usage_line AND (NOT valid
      OR (model <> '"<synthetic>"' AND (input + cache_read + cache_write + output > ${MAX_TOKENS_PER_REQUEST} OR ${outOfBounds})))) AS bad
  FROM checked
), groups AS (
  SELECT file_index, req, CASE WHEN req THEN mid END AS mid, CASE WHEN req THEN rid END AS rid,
    bool_or(bad) AS bad, count(*) AS lines,
    min(model) AS model,
    bool_and(coalesce(side = 'true', false)) AS replica,
    date_trunc('millisecond', min(ts_at)) AS start_at, date_trunc('millisecond', max(ts_at)) AS end_at,
    max(input) AS input_tokens, max(cache_read) AS cache_read_tokens, max(cache_write) AS cache_write_tokens,
    max(output) AS output_tokens, max(cache_write_1h) AS cache_write_1h_tokens,
    max(${toolCount('n_web_search')}) AS web_search_requests, max(${toolCount('n_web_fetch')}) AS web_fetch_requests,
    max(${toolCount('n_code_execution')}) AS code_execution_requests,
    min(${word('tier_json')}) AS tier_word, min(${word('speed_json')}) AS speed_word,
    max(TRY_CAST(cost AS DECIMAL(18,10))) AS reported_cost,
    min(sid) AS session_id,
    min(nullif(cwd, '""')) AS cwd,
    min(CASE WHEN branch IN ('""', '"HEAD"') THEN NULL ELSE branch END) AS branch,
    min(version) AS tool_version
  FROM classified
  GROUP BY file_index, req, 3, 4
), values AS (
  -- The strings of each group read from their JSON text: after grouping, so once a request, not once a line.
  SELECT * REPLACE (${unquoted('mid')} AS mid, ${unquoted('rid')} AS rid, ${unquoted('model')} AS model,
    ${unquoted('session_id')} AS session_id, ${unquoted('cwd')} AS cwd, ${unquoted('branch')} AS branch,
    ${unquoted('tool_version')} AS tool_version)
  FROM groups
)
SELECT g.file_index, g.req, g.bad, g.lines,
  sha256(concat_ws(chr(0), 'claude-code-logs', g.mid, coalesce(g.rid, '')))[1:32] AS id,
  'claude-code-logs' AS source, 'claude-code' AS tool, 'anthropic' AS provider, g.model,
  g.mid AS collapse_key, g.replica, g.start_at, g.end_at,
  g.input_tokens, g.cache_read_tokens, g.cache_write_tokens, g.output_tokens, CAST(0 AS BIGINT) AS reasoning_tokens,
  g.cache_write_1h_tokens, CAST(0 AS BIGINT) AS audio_input_tokens, CAST(0 AS BIGINT) AS audio_output_tokens,
  g.web_search_requests, g.web_fetch_requests, g.code_execution_requests,
  ${serviceTierSql('g.tier_word')} AS service_tier, ${batchSql('g.tier_word')} AS batch,
  CAST(NULL AS VARCHAR) AS context_tier, CAST(NULL AS VARCHAR) AS inference_geo, ${speedSql('g.speed_word')} AS speed,
  g.reported_cost,
  CASE WHEN g.reported_cost IS NOT NULL THEN 'claude-code-costUSD' END AS price_ref,
  g.rid AS dedup_key, g.session_id, g.cwd, CAST(NULL AS VARCHAR) AS repo, g.branch, g.tool_version,
  f.actor_hash, f.actor_hint, f.machine_id
FROM values g
JOIN cc_files f ON f.idx = g.file_index`;
}

/**
 * Transcript bytes one statement of the bulk reader takes. What a statement stages stays in memory until it
 * ends; between statements DuckDB may move the staged rows to disk. The store's memory bound for a new store
 * held the requests of about 1.4 GB of transcripts in one statement, but a smaller scan lowers the peak: on the
 * 1.44 GB bench corpus, parts of 256 MiB peaked at 502–588 MB in four runs against 571–625 MB for 512 MiB
 * (and 554–580 MB for 128 MiB), at the same speed.
 */
export const SCAN_PART_BYTES = 256 * 1024 * 1024;

/** Files cut into consecutive parts of at most `maxBytes` each (a larger file is a part of its own). */
export function scanParts<T extends { size: number }>(
  files: readonly T[],
  maxBytes = SCAN_PART_BYTES,
): T[][] {
  const parts: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const file of files) {
    if (current.length > 0 && bytes + file.size > maxBytes) {
      parts.push(current);
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += file.size;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

/** Per file (by its place in the list): lines seen and whether any needs the exact parser. */
export function transcriptFilesSql(table: string): string {
  return `SELECT file_index, sum(lines)::BIGINT AS rows, bool_or(bad) AS suspicious FROM ${table} GROUP BY file_index`;
}

/** Keeps only the requests of clean files. */
export function keepCleanRequestsSql(table: string): string {
  return `DELETE FROM ${table} WHERE NOT req OR file_index IN (SELECT file_index FROM ${table} WHERE bad)`;
}

/** Whether a statement failed for want of memory within the store's bound (DuckDB's own message). */
export function isOutOfMemory(cause: unknown): boolean {
  return (cause instanceof Error ? cause.message : String(cause)).includes('Out of Memory Error');
}

/** The error DuckDB's reader gives for a line longer than MAX_LINE_BYTES, and the file it names. */
export function overlongLineFile(message: string): string | null {
  return /maximum_object_size.*while reading file "([^"]+)"/s.exec(message)?.[1] ?? null;
}
