import {
  anthropicServerTools,
  billingOf,
  contextTierOf,
  fromAnthropic,
  geoOf,
  serviceTierOf,
  speedOf,
} from '../../../domain/token-semantics.js';
import type { z } from 'zod';
import { recordId } from '../../../domain/ids.js';
import { centsToUsd } from '../../../domain/money.js';
import type { ParseResult } from '../../../domain/parse-result.js';
import { NO_TOKENS, type Granularity, type UsageRecord } from '../../../domain/usage.js';
import { describeIssue, notAPage, parseEachItem } from '../../each-item.js';
import { bucketSchema, costResultSchema, pageSchema, usageResultSchema } from './schema.js';

export interface AnthropicContext {
  file: string;
  /** The organisation's name in mileage.yaml: the stream's account. */
  org: string;
  /**
   * The usage report's source name (default USAGE_SOURCE). A connector syncing hourly buckets names its
   * own, so hourly and daily buckets of the same day are two sources the ledger never adds together.
   */
  usageSource?: string;
}

export const USAGE_SOURCE = 'anthropic-usage-report';
export const COST_SOURCE = 'anthropic-cost-report';

/** The billing stream of a workspace: usage and cost of the same workspace reconcile against each other. */
export function anthropicStream(org: string, workspace: string | null | undefined): string {
  return `anthropic:${org}:${workspace ?? 'default'}`;
}

/** 1m and 1h buckets are hourly detail, 1d buckets daily. */
function granularityOf(start: Date, end: Date): Granularity {
  const hours = (end.getTime() - start.getTime()) / 3_600_000;
  return hours <= 1 ? 'hour' : hours <= 24 ? 'day' : 'month';
}

interface Bucket {
  start: Date;
  end: Date;
  /** The bucket start as the API wrote it: part of every record id. */
  startText: string;
}

/** Every result of every bucket, each validated on its own; a bad bucket or result is one problem. */
function eachResult<S extends z.ZodType>(
  page: unknown,
  ctx: AnthropicContext,
  schema: S,
  emit: (r: z.infer<S>, bucket: Bucket) => UsageRecord,
): ParseResult<UsageRecord> {
  const parsed = pageSchema.safeParse(page);
  if (!parsed.success) {
    const { field, message } = describeIssue(parsed.error);
    return notAPage(ctx.file, field, `not a report page: ${message}`);
  }
  const out: ParseResult<UsageRecord> = { records: [], problems: [] };
  parsed.data.data.forEach((raw, b) => {
    const bucket = bucketSchema.safeParse(raw);
    if (!bucket.success) {
      out.problems.push({ file: ctx.file, line: null, ...describeIssue(bucket.error, `data[${b}]`) });
      return;
    }
    const { starting_at, ending_at, results } = bucket.data;
    const at: Bucket = { start: new Date(starting_at), end: new Date(ending_at), startText: starting_at };
    const part = parseEachItem(results, schema, { file: ctx.file, path: `data[${b}].results` }, (r) =>
      emit(r, at),
    );
    out.records.push(...part.records);
    out.problems.push(...part.problems);
  });
  return out;
}

/** What every record of an Anthropic report shares: its stream, bucket and model. */
function bucketFields(
  source: string,
  ctx: AnthropicContext,
  r: { workspace_id?: string | null | undefined; model?: string | null | undefined },
  b: Bucket,
) {
  return {
    source,
    stream: anthropicStream(ctx.org, r.workspace_id),
    granularity: granularityOf(b.start, b.end),
    start: b.start,
    end: b.end,
    tool: null,
    provider: 'anthropic',
    model: r.model ?? null,
    // The reports count tokens and cents, not requests.
    requests: 0,
  };
}

/**
 * Dimensions beyond the documented id tuple join the id only when the report was grouped by them, so the
 * ids of ungrouped rows stay what they always were while grouped rows never collide.
 */
function extraDimensions(...values: (string | null | undefined)[]): (string | null | undefined)[] {
  return values.some((v) => v !== null && v !== undefined) ? values : [];
}

/**
 * Usage report: one record per bucket × result (the result's dimensions are whatever the report was grouped
 * by). Token volume only: priced later from the price list (basis list_estimate).
 */
export function parseAnthropicUsageReport(page: unknown, ctx: AnthropicContext): ParseResult<UsageRecord> {
  const source = ctx.usageSource ?? USAGE_SOURCE;
  return eachResult(page, ctx, usageResultSchema, (r, b) => ({
    ...bucketFields(source, ctx, r, b),
    id: recordId(
      source,
      b.startText,
      r.api_key_id,
      r.workspace_id,
      r.model,
      r.service_tier,
      r.context_window,
      r.account_id,
      ...extraDimensions(r.service_account_id, r.inference_geo, r.speed),
    ),
    tokens: fromAnthropic({
      input: r.uncached_input_tokens,
      cacheRead: r.cache_read_input_tokens,
      cacheWrite5m: r.cache_creation.ephemeral_5m_input_tokens,
      cacheWrite1h: r.cache_creation.ephemeral_1h_input_tokens,
      output: r.output_tokens,
    }),
    serverTools: anthropicServerTools(r.server_tool_use),
    billing: billingOf({
      ...serviceTierOf(r.service_tier),
      contextTier: contextTierOf(r.context_window),
      geo: geoOf(r.inference_geo),
      speed: speedOf(r.speed),
    }),
    cost: { amount: null, basis: 'list_estimate', priceRef: null },
    hints: {
      keyId: r.api_key_id ?? undefined,
      workspace: r.workspace_id ?? undefined,
      actor: r.account_id ?? undefined,
    },
  }));
}

/**
 * Cost report: what was billed per day, in cents as decimal strings, turned into dollars with decimal
 * arithmetic (never a float). A cost line has no tokens; `model` is known only when grouped by description.
 */
export function parseAnthropicCostReport(page: unknown, ctx: AnthropicContext): ParseResult<UsageRecord> {
  return eachResult(page, ctx, costResultSchema, (r, b) => ({
    ...bucketFields(COST_SOURCE, ctx, r, b),
    id: recordId(
      COST_SOURCE,
      b.startText,
      r.workspace_id,
      r.description,
      r.model,
      r.token_type,
      r.service_tier,
      r.context_window,
      ...extraDimensions(r.inference_geo),
    ),
    tokens: { ...NO_TOKENS },
    cost: { amount: centsToUsd(r.amount), basis: 'billed', priceRef: COST_SOURCE },
    hints: { workspace: r.workspace_id ?? undefined },
  }));
}
