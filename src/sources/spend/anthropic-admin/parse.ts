import type { z } from 'zod';
import { recordId } from '../../../domain/ids.js';
import { centsToUsd } from '../../../domain/money.js';
import type { ParseResult } from '../../../domain/parse-result.js';
import { notAPage, parseEachItem } from '../../each-item.js';
import { NO_TOKENS, type Granularity, type UsageRecord } from '../../../domain/usage.js';
import { costResultSchema, pageSchema, usageResultSchema } from './schema.js';

export interface AnthropicContext {
  file: string;
  org: string;
}

/** The billing stream of a workspace: usage and cost of the same workspace reconcile against each other. */
export function anthropicStream(org: string, workspace: string | null | undefined): string {
  return `anthropic:${org}:${workspace ?? 'default'}`;
}

function granularityOf(start: Date, end: Date): Granularity {
  const hours = (end.getTime() - start.getTime()) / 3_600_000;
  return hours <= 1 ? 'hour' : hours <= 24 ? 'day' : 'month';
}

function eachResult<S extends z.ZodTypeAny>(
  page: unknown,
  ctx: AnthropicContext,
  schema: S,
  emit: (r: z.infer<S>, bucket: Bucket) => UsageRecord,
): ParseResult<UsageRecord> {
  const parsed = pageSchema.safeParse(page);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    return notAPage(ctx.file, i?.path.join('.') ?? '', i?.message ?? 'not a report page');
  }
  const out: ParseResult<UsageRecord> = { records: [], problems: [] };
  parsed.data.data.forEach((bucket, b) => {
    const at: Bucket = {
      start: new Date(bucket.starting_at),
      end: new Date(bucket.ending_at),
      startText: bucket.starting_at,
    };
    const part = parseEachItem(bucket.results, schema, { file: ctx.file, path: `data[${b}].results` }, (r) =>
      emit(r, at),
    );
    out.records.push(...part.records);
    out.problems.push(...part.problems);
  });
  return out;
}

interface Bucket {
  start: Date;
  end: Date;
  startText: string;
}

/** What every record of an Anthropic report shares: its stream, bucket and model. */
function bucketFields(
  source: string,
  ctx: AnthropicContext,
  r: { workspace_id?: string | null; model?: string | null },
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
    requests: 0,
  };
}

/** Usage report: token volume per bucket and dimension; priced later from the list (basis list_estimate). */
export function parseAnthropicUsageReport(page: unknown, ctx: AnthropicContext): ParseResult<UsageRecord> {
  const source = 'anthropic-usage-report';
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
    ),
    tokens: {
      input: r.uncached_input_tokens,
      cacheRead: r.cache_read_input_tokens,
      cacheWrite: r.cache_creation.ephemeral_5m_input_tokens + r.cache_creation.ephemeral_1h_input_tokens,
      output: r.output_tokens,
      reasoning: 0,
    },
    cost: { amount: null, basis: 'list_estimate', priceRef: null },
    hints: {
      keyId: r.api_key_id ?? undefined,
      workspace: r.workspace_id ?? undefined,
      actor: r.account_id ?? undefined,
    },
  }));
}

/** Cost report: what was billed, in cents as decimal strings (never through a float). */
export function parseAnthropicCostReport(page: unknown, ctx: AnthropicContext): ParseResult<UsageRecord> {
  const source = 'anthropic-cost-report';
  return eachResult(page, ctx, costResultSchema, (r, b) => ({
    ...bucketFields(source, ctx, r, b),
    id: recordId(
      source,
      b.startText,
      r.workspace_id,
      r.description,
      r.model,
      r.token_type,
      r.service_tier,
      r.context_window,
    ),
    tokens: NO_TOKENS,
    cost: { amount: centsToUsd(r.amount), basis: 'billed', priceRef: source },
    hints: { workspace: r.workspace_id ?? undefined },
  }));
}
