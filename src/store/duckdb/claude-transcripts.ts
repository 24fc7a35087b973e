/**
 * Claude Code transcripts read by DuckDB's own JSON reader: every file in one parallel scan, grouped per
 * (file, request) in the same pass. This is the bulk path of `ingest claude-code`; the JS parser
 * (sources/spend/claude-code/parse.ts) stays the definition, and this SQL must agree with it line for line.
 *
 * The reader is lenient where the parser is strict (with ignore_errors an invalid line becomes a row of
 * nulls, and a value of the wrong type becomes null), so every field is read as text and checked here; a
 * file with any line that fails a check is flagged `suspicious`, stages nothing, and goes to the parser,
 * which reports each problem with its line number. Clean files — nearly all of them — never leave DuckDB.
 */

const COUNT = `'[0-9]{1,8}'`; // a whole, non-negative count; longer than 8 digits is absurd (> 10M) anyway
const ISO_INSTANT = `'[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})'`;
const DECIMAL = `'[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?'`;
export const MAX_TOKENS_PER_REQUEST = 10_000_000;

const COLUMNS = `{
  type: 'VARCHAR', requestId: 'VARCHAR', timestamp: 'VARCHAR', sessionId: 'VARCHAR', cwd: 'VARCHAR',
  gitBranch: 'VARCHAR', version: 'VARCHAR', isSidechain: 'VARCHAR', costUSD: 'VARCHAR',
  message: 'STRUCT(id VARCHAR, model VARCHAR, usage STRUCT(input_tokens VARCHAR, cache_creation_input_tokens VARCHAR,
    cache_read_input_tokens VARCHAR, output_tokens VARCHAR,
    cache_creation STRUCT(ephemeral_5m_input_tokens VARCHAR, ephemeral_1h_input_tokens VARCHAR)))'
}`;

const optionalCount = (x: string) => `(${x} IS NULL OR regexp_full_match(${x}, ${COUNT}))`;
const asCount = (x: string) => `coalesce(TRY_CAST(${x} AS BIGINT), 0)`;

/**
 * One row per (file, kind, request): kind 'req' for an assistant line with usage, 'other' for any other
 * valid line, 'bad' for a line the parser would report. `fileList` is a SQL list of paths.
 */
export function transcriptGroupsSql(fileList: string): string {
  return `
CREATE OR REPLACE TEMP TABLE cc_groups AS
WITH lines AS (
  SELECT filename AS file, type, requestId AS rid, timestamp AS ts, sessionId AS sid, cwd, gitBranch AS branch,
    version, isSidechain AS side, costUSD AS cost, message.id AS mid, message.model AS model,
    message.usage AS u
  FROM read_json(${fileList}, format = 'newline_delimited', columns = ${COLUMNS}, filename = true,
    ignore_errors = true, maximum_object_size = 268435456)
), counted AS (
  SELECT *,
    ${asCount('u.input_tokens')} AS input,
    ${asCount('u.cache_read_input_tokens')} AS cache_read,
    CASE WHEN u.cache_creation IS NOT NULL
      THEN ${asCount('u.cache_creation.ephemeral_5m_input_tokens')} + ${asCount('u.cache_creation.ephemeral_1h_input_tokens')}
      ELSE ${asCount('u.cache_creation_input_tokens')} END AS cache_write,
    ${asCount('u.output_tokens')} AS output
  FROM lines
), classified AS (
  SELECT *, CASE
    WHEN type IS NULL THEN 'bad'
    WHEN type <> 'assistant' OR u IS NULL THEN 'other'
    WHEN NOT (
      mid <> '' AND model <> ''
      AND u.input_tokens IS NOT NULL AND regexp_full_match(u.input_tokens, ${COUNT})
      AND u.output_tokens IS NOT NULL AND regexp_full_match(u.output_tokens, ${COUNT})
      AND ${optionalCount('u.cache_read_input_tokens')} AND ${optionalCount('u.cache_creation_input_tokens')}
      AND ${optionalCount('u.cache_creation.ephemeral_5m_input_tokens')}
      AND ${optionalCount('u.cache_creation.ephemeral_1h_input_tokens')}
      AND ts IS NOT NULL AND regexp_full_match(ts, ${ISO_INSTANT}) AND TRY_CAST(ts AS TIMESTAMPTZ) IS NOT NULL
      AND (sid IS NULL OR sid <> '') AND (rid IS NULL OR rid <> '')
      AND (side IS NULL OR side IN ('true', 'false'))
      AND (cost IS NULL OR regexp_full_match(cost, ${DECIMAL}))
    ) THEN 'bad'
    WHEN model = '<synthetic>' THEN 'other'
    WHEN input + cache_read + cache_write + output > ${MAX_TOKENS_PER_REQUEST} THEN 'bad'
    ELSE 'req' END AS kind
  FROM counted
)
SELECT file, kind,
  CASE WHEN kind = 'req' THEN mid END AS mid,
  CASE WHEN kind = 'req' THEN rid END AS rid,
  count(*) AS lines,
  min(model) AS model,
  bool_and(coalesce(side = 'true', false)) AS replica,
  min(TRY_CAST(ts AS TIMESTAMPTZ)) AS start_at,
  max(TRY_CAST(ts AS TIMESTAMPTZ)) AS end_at,
  max(input) AS input_tokens,
  max(cache_read) AS cache_read_tokens,
  max(cache_write) AS cache_write_tokens,
  max(output) AS output_tokens,
  max(TRY_CAST(cost AS DECIMAL(18,10))) AS reported_cost,
  min(sid) AS session_id,
  min(nullif(cwd, '')) AS cwd,
  min(CASE WHEN branch IN ('', 'HEAD') THEN NULL ELSE branch END) AS branch,
  min(version) AS tool_version
FROM classified
GROUP BY ALL`;
}

/** Per file: lines seen and whether any needs the exact parser. */
export const TRANSCRIPT_FILES_SQL = `
SELECT file, sum(lines)::BIGINT AS rows, bool_or(kind = 'bad') AS suspicious FROM cc_groups GROUP BY file`;

/** The clean files' requests, staged with the same ids the parser gives (recordId over message and request id). */
export const STAGE_TRANSCRIPTS_SQL = `
INSERT INTO agent_stage BY NAME
SELECT
  sha256(concat_ws(chr(0), 'claude-code-logs', g.mid, coalesce(g.rid, '')))[1:32] AS id,
  'claude-code-logs' AS source, 'claude-code' AS tool, 'anthropic' AS provider, g.model,
  g.mid AS collapse_key, g.replica, g.start_at, g.end_at,
  g.input_tokens, g.cache_read_tokens, g.cache_write_tokens, g.output_tokens, 0 AS reasoning_tokens,
  g.reported_cost,
  CASE WHEN g.reported_cost IS NOT NULL THEN 'claude-code-costUSD' END AS price_ref,
  g.rid AS dedup_key, g.session_id, g.cwd, NULL AS repo, g.branch, g.tool_version,
  f.actor_hash, f.actor_hint, f.machine_id
FROM cc_groups g
JOIN cc_files f ON f.path = g.file
WHERE g.kind = 'req' AND g.file NOT IN (SELECT file FROM cc_groups WHERE kind = 'bad')`;
