import { SERVICE_TIER_WORDS, SPEED_WORDS } from '../../domain/token-semantics.js';
import {
  BILLING_COLUMNS,
  SERVER_TOOL_NAMES,
  SERVER_TOOLS,
  TOKEN_FIELDS,
  type UsageRecord,
} from '../../domain/usage.js';
import { sqlString } from './sql.js';

/**
 * The usage columns of the billed dimensions added by migration 8, derived from the domain's tables so that a
 * new dimension reaches every writer: counts (token subsets and server-tool requests, merged by max across
 * copies of a request) and the billing dimensions (text, taken from one copy).
 */
const ORIGINAL_TOKEN_COLUMNS: readonly string[] = [
  'input_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'output_tokens',
  'reasoning_tokens',
];

export const DIMENSION_COUNT_COLUMNS: readonly string[] = [
  ...Object.values(TOKEN_FIELDS)
    .map((f) => f.column)
    .filter((c) => !ORIGINAL_TOKEN_COLUMNS.includes(c)),
  ...SERVER_TOOL_NAMES.map((t) => SERVER_TOOLS[t].column),
];

export const BILLING_COLUMN_TYPES: Readonly<Record<string, string>> = {
  [BILLING_COLUMNS.serviceTier]: 'VARCHAR',
  [BILLING_COLUMNS.batch]: 'BOOLEAN',
  [BILLING_COLUMNS.contextTier]: 'VARCHAR',
  [BILLING_COLUMNS.geo]: 'VARCHAR',
  [BILLING_COLUMNS.speed]: 'VARCHAR',
};

/** Column → type of every dimension column, for file readers and stage tables. */
export const DIMENSION_COLUMN_TYPES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(DIMENSION_COUNT_COLUMNS.map((c) => [c, 'BIGINT'])),
  ...BILLING_COLUMN_TYPES,
};

/** A record's dimension columns, 0 / null when the source did not report them. */
export function dimensionRow(r: UsageRecord): Record<string, string | number | boolean | null> {
  const t = r.tokens;
  const b = r.billing ?? {};
  const row: Record<string, string | number | boolean | null> = {
    [TOKEN_FIELDS.cacheWrite1h.column]: t.cacheWrite1h ?? 0,
    [TOKEN_FIELDS.audioInput.column]: t.audioInput ?? 0,
    [TOKEN_FIELDS.audioOutput.column]: t.audioOutput ?? 0,
  };
  for (const tool of SERVER_TOOL_NAMES) row[SERVER_TOOLS[tool].column] = r.serverTools?.[tool] ?? 0;
  row[BILLING_COLUMNS.serviceTier] = b.serviceTier ?? null;
  row[BILLING_COLUMNS.batch] = b.batch ?? null;
  row[BILLING_COLUMNS.contextTier] = b.contextTier ?? null;
  row[BILLING_COLUMNS.geo] = b.geo ?? null;
  row[BILLING_COLUMNS.speed] = b.speed ?? null;
  return row;
}

/**
 * What a NULL dimension column of a row says is missing: the row was stored before migration 8 by a source
 * whose format carries a dimension Mileage did not keep then (migration 8 set every other row's columns).
 * An OpenAI usage row without audio was also read without its batch flag and service tier.
 */
export const GAP_COLUMNS: readonly { column: string; missing: readonly string[] }[] = [
  { column: TOKEN_FIELDS.cacheWrite1h.column, missing: ['cache write 1h'] },
  { column: TOKEN_FIELDS.audioInput.column, missing: ['audio', 'batch', 'service tier'] },
  { column: SERVER_TOOLS.webSearch.column, missing: ['server tools'] },
];

/** The gaps of one stored row, from its columns (see GAP_COLUMNS). */
export function gapsOfRow(row: Record<string, unknown>): string[] {
  return GAP_COLUMNS.filter((g) => row[g.column] === null || row[g.column] === undefined).flatMap((g) => [
    ...g.missing,
  ]);
}

/**
 * History that lacks dimensions its source reports, per source: how many rows and which days; a re-ingest
 * of those days (or, for Claude Code transcripts still on disk, the next `ingest`) fills them in.
 */
export const DIMENSION_GAPS_SQL = `
SELECT source, count(*) AS records, CAST(min(day) AS VARCHAR) AS first_day, CAST(max(day) AS VARCHAR) AS last_day,
  array_to_string(list_sort(list_distinct(flatten([
    ${GAP_COLUMNS.map((g) => `CASE WHEN count(*) FILTER (WHERE ${g.column} IS NULL) > 0 THEN [${g.missing.map(sqlString).join(', ')}] ELSE [] END`).join(',\n    ')}
  ]))), '|') AS missing
FROM usage
WHERE ${DIMENSION_COUNT_COLUMNS.map((c) => `${c} IS NULL`).join(' OR ')}
GROUP BY source ORDER BY source`;

/** serviceTierOf in SQL, over a lower-cased tier word `x` (NULL stays NULL). */
export function serviceTierSql(x: string): string {
  const cases = Object.entries(SERVICE_TIER_WORDS)
    .map(([word, v]) => `WHEN ${sqlString(word)} THEN ${sqlString(v.serviceTier)}`)
    .join(' ');
  return `CASE ${x} ${cases} ELSE nullif(${x}, '') END`;
}

/** Whether tier word `x` means the batch API (NULL when it says nothing). */
export function batchSql(x: string): string {
  const words = Object.entries(SERVICE_TIER_WORDS)
    .filter(([, v]) => 'batch' in v)
    .map(([w]) => sqlString(w));
  return `CASE WHEN ${x} IN (${words.join(', ')}) THEN true END`;
}

/** speedOf in SQL, over a lower-cased speed word `x`. */
export function speedSql(x: string): string {
  const cases = Object.entries(SPEED_WORDS)
    .map(([word, v]) => `WHEN ${sqlString(word)} THEN ${sqlString(v)}`)
    .join(' ');
  return `CASE ${x} ${cases} END`;
}
