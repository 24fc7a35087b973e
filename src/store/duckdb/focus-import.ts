/**
 * FOCUS 1.2 cost-and-usage files (reference §11) read by DuckDB's own readers, every value as text so one
 * bad cell rejects one row with its line and column. Only `ServiceCategory = 'AI and Machine Learning'` rows
 * become usage records (Azure OpenAI, Amazon Bedrock, Vertex AI…); the rest are counted as skipped.
 *
 * - cost: BilledCost (invoice basis, `billed`), or EffectiveCost when asked; exact DECIMAL, USD only;
 * - period: ChargePeriodStart/End (UTC, start inclusive, end exclusive) → start, end and granularity;
 * - tokens: ConsumedQuantity in ConsumedUnit (`Tokens`, `1K Tokens`, `1M Tokens`), the kind read from
 *   SkuMeter / ChargeDescription (output, cache read, cache write, else input); Mileage's own exports carry
 *   x_InputTokens… columns, read first;
 * - model: x_Model, else the Bedrock foundation-model id in ResourceId, else ResourceName, else SkuId;
 * - stream: x_MileageStream, else `<provider>:<BillingAccountId>`;
 * - Tags (JSON): team → the record's team, workflow → its workflow, key → its key (hashed).
 */
import { sqlIdent, sqlString } from '../sql-text.js';
import type { AcceptedTimes } from '../../domain/accepted-times.js';
import { RECORD_BOUNDS } from '../../domain/record-bounds.js';
import { CSV_REJECT_OPTIONS } from './file-rejects.js';
import {
  amountCheckSql,
  bucketTokenLimitSql,
  textCheckSql,
  timeRangeCheckSql,
  wholeCheckSql,
} from './bounds-sql.js';

export const FOCUS_REQUIRED = [
  'BilledCost',
  'BillingCurrency',
  'ChargePeriodStart',
  'ChargePeriodEnd',
  'ServiceCategory',
  'ProviderName',
] as const;

export const AI_SERVICE_CATEGORY = 'AI and Machine Learning';

export function focusReaderSql(format: 'csv' | 'parquet', path: string): string {
  return format === 'csv'
    ? `read_csv(${sqlString(path)}, header = true, all_varchar = true, auto_detect = true, nullstr = ['', 'NULL'], ${CSV_REJECT_OPTIONS})`
    : `read_parquet(${sqlString(path)})`;
}

export function focusStageSql(
  fileColumns: readonly string[],
  costColumn: 'BilledCost' | 'EffectiveCost',
  localDay: (column: string) => string,
  times: AcceptedTimes,
): { checkedSql: string; stageSql: string; rejectedSql: string; skippedSql: string } {
  const present = new Set(fileColumns);
  const col = (name: string): string =>
    present.has(name) ? `nullif(trim(CAST(${sqlIdent(name)} AS VARCHAR)), '')` : 'NULL';
  const start = `try_cast(replace(${col('ChargePeriodStart')}, ' ', 'T') AS TIMESTAMPTZ)`;
  const end = `try_cast(replace(${col('ChargePeriodEnd')}, ' ', 'T') AS TIMESTAMPTZ)`;
  const cost = col(costColumn);
  const isAi = `${col('ServiceCategory')} = ${sqlString(AI_SERVICE_CATEGORY)}`;
  const checks = [
    `CASE WHEN ${col('ChargePeriodStart')} IS NULL THEN 'ChargePeriodStart|missing' WHEN ${start} IS NULL THEN 'ChargePeriodStart|not an ISO-8601 time: ' || ${col('ChargePeriodStart')} END`,
    `CASE WHEN ${col('ChargePeriodEnd')} IS NULL THEN 'ChargePeriodEnd|missing' WHEN ${end} IS NULL THEN 'ChargePeriodEnd|not an ISO-8601 time: ' || ${col('ChargePeriodEnd')} WHEN ${end} < ${start} THEN 'ChargePeriodEnd|before ChargePeriodStart' END`,
    `CASE WHEN ${cost} IS NULL THEN ${sqlString(`${costColumn}|missing`)} WHEN try_cast(${cost} AS DECIMAL(18,10)) IS NULL THEN ${sqlString(`${costColumn}|not a decimal amount: `)} || ${cost} END`,
    `CASE WHEN coalesce(${col('BillingCurrency')}, '') <> 'USD' THEN 'BillingCurrency|only USD is summed with dollars, got ' || coalesce(${col('BillingCurrency')}, 'nothing') END`,
    `CASE WHEN ${col('ConsumedQuantity')} IS NOT NULL AND try_cast(${col('ConsumedQuantity')} AS DOUBLE) IS NULL THEN 'ConsumedQuantity|not a number: ' || ${col('ConsumedQuantity')} END`,
    `CASE WHEN ${col('Tags')} IS NOT NULL AND NOT coalesce(json_valid(${col('Tags')}), false) THEN 'Tags|not a JSON object' WHEN ${col('Tags')} IS NOT NULL AND json_type(${col('Tags')}) <> 'OBJECT' THEN 'Tags|not a JSON object: ' || left(${col('Tags')}, 40) END`,
    // The bounds every path applies (domain/record-bounds.ts): times in range, no negative or absurd
    // quantity (a credit is a negative cost, never negative tokens), tokens scaled to the charge period.
    timeRangeCheckSql('ChargePeriodStart', start, times),
    timeRangeCheckSql('ChargePeriodEnd', end, times),
    amountCheckSql(costColumn, cost, RECORD_BOUNDS.amountUsd, 'true'),
    `CASE WHEN try_cast(${col('ConsumedQuantity')} AS DOUBLE) < 0 THEN 'ConsumedQuantity|negative: ' || ${col('ConsumedQuantity')}
      WHEN NOT isfinite(try_cast(${col('ConsumedQuantity')} AS DOUBLE)) THEN 'ConsumedQuantity|not a finite number: ' || ${col('ConsumedQuantity')}
      WHEN ${unitOf(col)} LIKE '%token%' AND try_cast(${col('ConsumedQuantity')} AS DOUBLE) * ${scaleOf(col)} > ${bucketTokenLimitSql(start, end)} THEN 'ConsumedQuantity|' || ${col('ConsumedQuantity')} || ' ' || coalesce(${col('ConsumedUnit')}, '') || ' is above the bound for its charge period' END`,
    ...['x_InputTokens', 'x_CacheReadTokens', 'x_CacheWriteTokens', 'x_OutputTokens', 'x_ReasoningTokens']
      .filter((c) => present.has(c))
      .map((c) => wholeCheckSql(c, col(c), bucketTokenLimitSql(start, end))),
    ...(present.has('x_Requests')
      ? [
          wholeCheckSql(
            'x_Requests',
            col('x_Requests'),
            `greatest(${RECORD_BOUNDS.requestsPerRequestRecord}, ${RECORD_BOUNDS.requestsPerMinute} * greatest(1, ceil(date_diff('second', ${start}, ${end}) / 60.0)))`,
          ),
        ]
      : []),
    ...['x_Model', 'ResourceName', 'SkuId', 'x_Tool', 'x_Provider', 'x_MileageStream']
      .filter((c) => present.has(c))
      .map((c) => textCheckSql(c, col(c), RECORD_BOUNDS.nameChars)),
  ];
  const checkedSql = `CREATE OR REPLACE TEMP TABLE checked AS
    SELECT *, CASE WHEN ${isAi} THEN coalesce(${checks.join(', ')}) END AS problem,
      ${
        fileColumns
          .filter((c) => c !== 'line')
          .map((c) => `coalesce(CAST(${sqlIdent(c)} AS VARCHAR), '')`)
          .join(` || '|' || `) || "''"
      } AS content
    FROM raw_file`;
  const unit = unitOf(col);
  const scale = scaleOf(col);
  const tokens = `CASE WHEN ${unit} LIKE '%token%' THEN CAST(round(coalesce(try_cast(${col('ConsumedQuantity')} AS DOUBLE), 0) * ${scale}) AS BIGINT) ELSE 0 END`;
  const meter = `lower(coalesce(${col('SkuMeter')}, '') || ' ' || coalesce(${col('ChargeDescription')}, ''))`;
  const kind = `CASE WHEN ${meter} LIKE '%output%' THEN 'output' WHEN ${meter} LIKE '%cache read%' OR ${meter} LIKE '%cached%' THEN 'cache_read' WHEN ${meter} LIKE '%cache write%' OR ${meter} LIKE '%cache creation%' THEN 'cache_write' ELSE 'input' END`;
  const own = (c: string) => `try_cast(${col(c)} AS BIGINT)`;
  const hasOwn = present.has('x_InputTokens');
  const tokenOf = (k: string, x: string) =>
    hasOwn ? `coalesce(${own(x)}, 0)` : `CASE WHEN ${kind} = ${sqlString(k)} THEN ${tokens} ELSE 0 END`;
  const service = `lower(coalesce(${col('ServiceName')}, ''))`;
  const providerName = `lower(${col('ProviderName')})`;
  const provider = `coalesce(${col('x_Provider')}, CASE
      WHEN ${service} LIKE '%bedrock%' THEN 'bedrock'
      WHEN ${service} LIKE '%vertex%' THEN 'vertex'
      WHEN ${service} LIKE '%openai%' AND ${providerName} LIKE '%microsoft%' THEN 'azure'
      ELSE regexp_replace(lower(coalesce(${col('PublisherName')}, ${col('ProviderName')})), '[^a-z0-9]+', '-', 'g') END)`;
  const model = `coalesce(${col('x_Model')},
      CASE WHEN ${col('ResourceId')} LIKE '%foundation-model/%' THEN split_part(${col('ResourceId')}, 'foundation-model/', 2) END,
      ${col('ResourceName')}, ${col('SkuId')})`;
  const tag = (k: string) => `nullif(trim(json_extract_string(${col('Tags')}, ${sqlString(`$.${k}`)})), '')`;
  const hours = `date_diff('minute', ${start}, ${end}) / 60.0`;
  const stageSql = `CREATE OR REPLACE TEMP TABLE staging AS
    SELECT
      left(sha256('focus|' || content || '|' || CAST(row_number() OVER (PARTITION BY content ORDER BY line) AS VARCHAR)), 32) AS id,
      'focus' AS source,
      coalesce(${col('x_MileageStream')}, regexp_replace(lower(${col('ProviderName')}), '[^a-z0-9]+', '-', 'g') || ':' || coalesce(${col('BillingAccountId')}, 'unknown')) AS stream,
      CASE WHEN ${hours} <= 1 THEN 'hour' WHEN ${hours} <= 24 THEN 'day' ELSE 'month' END AS granularity,
      ${start} AS start_at, ${end} AS end_at,
      -- The org-local day of the middle of the charge period, like every usage record (a UTC-day row stays on its day west of UTC).
      ${localDay(`to_timestamp((epoch(${start}) + epoch(${end})) / 2)`)} AS day,
      ${col('x_Tool')} AS tool, ${provider} AS provider, ${model} AS model,
      ${tokenOf('input', 'x_InputTokens')} AS input_tokens, ${tokenOf('cache_read', 'x_CacheReadTokens')} AS cache_read_tokens,
      ${tokenOf('cache_write', 'x_CacheWriteTokens')} AS cache_write_tokens, ${tokenOf('output', 'x_OutputTokens')} AS output_tokens,
      ${hasOwn ? `coalesce(${own('x_ReasoningTokens')}, 0)` : '0'} AS reasoning_tokens,
      ${hasOwn ? `coalesce(${own('x_Requests')}, 0)` : '0'} AS requests,
      CAST(${cost} AS DECIMAL(18,10)) AS cost, NULL AS est_cost,
      'billed' AS cost_basis, ${sqlString(`focus:${costColumn}`)} AS price_ref, NULL AS dedup_key,
      NULL AS actor_hash, NULL AS actor_hint,
      CASE WHEN ${tag('key')} IS NULL THEN NULL ELSE 'h:' || left(sha256(lower(${tag('key')})), 24) END AS key_hash,
      CASE WHEN ${tag('key')} IS NULL THEN NULL WHEN length(${tag('key')}) <= 8 THEN left(${tag('key')}, 2) || '••' ELSE left(${tag('key')}, 6) || '…' || right(${tag('key')}, 4) END AS key_hint,
      ${col('SubAccountId')} AS workspace, NULL AS session_id, NULL AS repo, NULL AS branch,
      ${tag('workflow')} AS workflow, ${tag('team')} AS team_tag, NULL AS machine_id, NULL AS tool_version
    FROM checked WHERE ${isAi} AND problem IS NULL`;
  const rejectedSql = `SELECT line, split_part(problem, '|', 1) AS field, split_part(problem, '|', 2) AS message
    FROM checked WHERE problem IS NOT NULL ORDER BY line`;
  const skippedSql = `SELECT count(*) AS n FROM checked WHERE NOT coalesce(${isAi}, false)`;
  return { checkedSql, stageSql, rejectedSql, skippedSql };
}

function unitOf(col: (name: string) => string): string {
  return `lower(coalesce(${col('ConsumedUnit')}, ''))`;
}

function scaleOf(col: (name: string) => string): string {
  const unit = unitOf(col);
  return `CASE WHEN ${unit} LIKE '1m%' OR ${unit} LIKE 'million%' THEN 1000000 WHEN ${unit} LIKE '1k%' OR ${unit} LIKE 'thousand%' THEN 1000 ELSE 1 END`;
}
