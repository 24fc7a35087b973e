import { billingOf, fromOpenAiUsage, serviceTierOf } from '../../../domain/token-semantics.js';
import type { z } from 'zod';
import { recordId } from '../../../domain/ids.js';
import { usd } from '../../../domain/money.js';
import type { ParseResult } from '../../../domain/parse-result.js';
import { NO_TOKENS, type Granularity, type UsageRecord } from '../../../domain/usage.js';
import { describeIssue, notAPage, parseEachItem } from '../../each-item.js';
import { bucketSchema, completionsResultSchema, costsResultSchema, pageSchema } from './schema.js';

export const COMPLETIONS_SOURCE = 'openai-usage-completions';
export const COSTS_SOURCE = 'openai-costs';

export interface OpenAiContext {
  file: string;
  /** The organisation's name in mileage.yaml: the stream's account. */
  org: string;
  /** The usage source name (hourly buckets get their own, like Anthropic's). */
  usageSource?: string;
}

/** The billing stream of a project: its usage and its costs reconcile against each other. */
export function openaiStream(org: string, project: string | null | undefined): string {
  return `openai:${org}:${project ?? 'default'}`;
}

interface Bucket {
  start: Date;
  end: Date;
  granularity: Granularity;
}

function eachResult<S extends z.ZodType>(
  page: unknown,
  file: string,
  schema: S,
  emit: (r: z.infer<S>, b: Bucket) => UsageRecord,
): ParseResult<UsageRecord> {
  const parsed = pageSchema.safeParse(page);
  if (!parsed.success) return notAPage(file, 'data', 'not a usage or costs page');
  const out: ParseResult<UsageRecord> = { records: [], problems: [] };
  parsed.data.data.forEach((raw, i) => {
    const bucket = bucketSchema.safeParse(raw);
    if (!bucket.success) {
      out.problems.push({ file, line: null, ...describeIssue(bucket.error, `data[${i}]`) });
      return;
    }
    const { start_time, end_time, results } = bucket.data;
    const hours = (end_time - start_time) / 3600;
    const b: Bucket = {
      start: new Date(start_time * 1000),
      end: new Date(end_time * 1000),
      granularity: hours <= 1 ? 'hour' : hours <= 24 ? 'day' : 'month',
    };
    const part = parseEachItem(results, schema, { file, path: `data[${i}].results` }, (r) => emit(r, b));
    out.records.push(...part.records);
    out.problems.push(...part.problems);
  });
  return out;
}

/**
 * Completions usage: token volume per bucket and group, priced later from the price list (list_estimate).
 * Token meaning, audio included, batch and service tier: domain/token-semantics (fromOpenAiUsage).
 */
export function parseOpenAiCompletions(page: unknown, ctx: OpenAiContext): ParseResult<UsageRecord> {
  const source = ctx.usageSource ?? COMPLETIONS_SOURCE;
  return eachResult(page, ctx.file, completionsResultSchema, (r, b) => {
    const tier = serviceTierOf(r.service_tier);
    if (r.batch === true) tier.batch = true;
    return {
      id: recordId(
        source,
        b.start.getTime(),
        r.project_id,
        r.user_id,
        r.api_key_id,
        r.model,
        r.batch === null || r.batch === undefined ? null : String(r.batch),
        r.service_tier,
      ),
      source,
      stream: openaiStream(ctx.org, r.project_id),
      granularity: b.granularity,
      start: b.start,
      end: b.end,
      tool: null,
      provider: 'openai',
      model: r.model ?? null,
      tokens: fromOpenAiUsage(r),
      billing: billingOf(tier),
      requests: r.num_model_requests,
      cost: { amount: null, basis: 'list_estimate', priceRef: null },
      hints: {
        actor: r.user_id ?? undefined,
        keyId: r.api_key_id ?? undefined,
        workspace: r.project_id ?? undefined,
      },
    };
  });
}

/** Costs: what was billed per day and line, in dollars (basis billed), read as decimal text. */
export function parseOpenAiCosts(page: unknown, ctx: OpenAiContext): ParseResult<UsageRecord> {
  return eachResult(page, ctx.file, costsResultSchema, (r, b) => ({
    id: recordId(COSTS_SOURCE, b.start.getTime(), r.project_id, r.line_item, r.api_key_id),
    source: COSTS_SOURCE,
    stream: openaiStream(ctx.org, r.project_id),
    granularity: b.granularity,
    start: b.start,
    end: b.end,
    tool: null,
    provider: 'openai',
    model: null,
    tokens: { ...NO_TOKENS },
    requests: 0,
    // String(number) is the shortest text that reads back as the same number: the decimal OpenAI sent.
    cost: { amount: usd(String(r.amount.value)), basis: 'billed', priceRef: COSTS_SOURCE },
    hints: { keyId: r.api_key_id ?? undefined, workspace: r.project_id ?? undefined },
  }));
}
