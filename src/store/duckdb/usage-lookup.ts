import type { Row, SqlValue, StoredModel, StoredUsage, UsageSelector } from '../db.js';
import { gapsOfRow } from './dimensions.js';

/**
 * Reading usage rows back for `mileage prices explain`: every billed dimension as stored (NULL where the row
 * predates its column), the stored cost, estimate and price reference. Values are bound, never spliced.
 */
const COLUMNS = `id, source, stream, granularity, strftime(start_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS start_utc,
  CAST(day AS VARCHAR) AS day_text, tool, provider, model, requests, input_tokens, cache_read_tokens,
  cache_write_tokens, output_tokens, reasoning_tokens, cache_write_1h_tokens, audio_input_tokens,
  audio_output_tokens, web_search_requests, web_fetch_requests, code_execution_requests, service_tier, batch,
  context_tier, inference_geo, speed, CAST(cost AS VARCHAR) AS cost_text, CAST(est_cost AS VARCHAR) AS est_text,
  cost_basis, price_ref, counted, status, latency_ms, ttft_ms, client_aborted, session_id, branch, workflow`;

export function findUsageSql(
  select: UsageSelector,
  limit: number,
): { sql: string; params: Record<string, string | number> } {
  if ('id' in select) {
    return { sql: `SELECT ${COLUMNS} FROM usage WHERE id = $id LIMIT 1`, params: { id: select.id } };
  }
  const params: Record<string, string | number> = { model: select.model, day: select.day, limit };
  let where = 'counted AND lower(model) = lower($model) AND day = CAST($day AS DATE)';
  if (select.source !== undefined) {
    where += ' AND source = $source';
    params.source = select.source;
  }
  if (select.provider !== undefined) {
    where += " AND coalesce(provider, '') = $provider";
    params.provider = select.provider;
  }
  return {
    sql: `SELECT ${COLUMNS} FROM usage WHERE ${where} ORDER BY source, start_at, id LIMIT $limit`,
    params,
  };
}

const text = (v: SqlValue | undefined): string | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v);
const count = (v: SqlValue | undefined): number | null => (v === null || v === undefined ? null : Number(v));

export function storedUsageOf(r: Row): StoredUsage {
  return {
    id: String(r.id),
    source: String(r.source),
    stream: text(r.stream),
    granularity: String(r.granularity),
    start: String(r.start_utc),
    day: String(r.day_text),
    tool: text(r.tool),
    provider: text(r.provider),
    model: text(r.model),
    requests: Number(r.requests),
    input: Number(r.input_tokens),
    cacheRead: Number(r.cache_read_tokens),
    cacheWrite: Number(r.cache_write_tokens),
    output: Number(r.output_tokens),
    reasoning: Number(r.reasoning_tokens),
    cacheWrite1h: count(r.cache_write_1h_tokens),
    audioInput: count(r.audio_input_tokens),
    audioOutput: count(r.audio_output_tokens),
    webSearch: count(r.web_search_requests),
    webFetch: count(r.web_fetch_requests),
    codeExecution: count(r.code_execution_requests),
    serviceTier: text(r.service_tier),
    batch: r.batch === null || r.batch === undefined ? null : r.batch === true,
    contextTier: text(r.context_tier),
    geo: text(r.inference_geo),
    speed: text(r.speed),
    cost: text(r.cost_text),
    estCost: text(r.est_text),
    basis: String(r.cost_basis),
    priceRef: text(r.price_ref),
    counted: r.counted !== false,
    unknown: gapsOfRow(r),
    served:
      r.status === null || r.status === undefined
        ? null
        : {
            status: Number(r.status),
            latencyMs: count(r.latency_ms),
            ttftMs: count(r.ttft_ms),
            clientAborted: r.client_aborted === true,
            sessionId: text(r.session_id),
            branch: text(r.branch),
            workflow: text(r.workflow),
          },
  };
}

export const USAGE_MODELS_SQL = `SELECT provider, model, count(*) AS records, CAST(min(day) AS VARCHAR) AS first_day,
  CAST(max(day) AS VARCHAR) AS last_day FROM usage WHERE model IS NOT NULL AND counted
  GROUP BY provider, model ORDER BY model, provider`;

export function storedModelOf(r: Row): StoredModel {
  return {
    provider: text(r.provider),
    model: String(r.model),
    records: Number(r.records),
    firstDay: String(r.first_day),
    lastDay: String(r.last_day),
  };
}
