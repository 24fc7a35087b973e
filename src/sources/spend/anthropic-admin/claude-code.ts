import { z } from 'zod';
import { recordId } from '../../../domain/ids.js';
import { centsToUsd } from '../../../domain/money.js';
import type { ParseResult } from '../../../domain/parse-result.js';
import type { SeatActivity } from '../../../domain/seat.js';
import type { UsageRecord } from '../../../domain/usage.js';
import { describeIssue, notAPage } from '../../each-item.js';
import { pageSchema } from './schema.js';

export const CLAUDE_CODE_SOURCE = 'anthropic-claude-code-analytics';

const count = z.number().int('expected a whole number').nonnegative('negative count');

/** One record of GET /v1/organizations/usage_report/claude_code: one actor, one day (reference §4.3). */
export const claudeCodeRecordSchema = z.object({
  /** UTC midnight of the day. */
  date: z.iso.datetime({ offset: true }),
  /** A person (email: resolved through the directory) or an API key (its name, as keys are named in mileage.yaml). */
  actor: z.discriminatedUnion('type', [
    z.object({ type: z.literal('user_actor'), email_address: z.string().min(3) }),
    z.object({ type: z.literal('api_actor'), api_key_name: z.string().min(1) }),
  ]),
  /** api: billed through the API org; subscription: a Claude plan seat. Part of the record's identity. */
  customer_type: z.string().optional(),
  terminal_type: z.string().nullish(),
  core_metrics: z
    .object({ num_sessions: count.default(0) })
    .partial()
    .optional(),
  model_breakdown: z
    .array(
      z.object({
        model: z.string().min(1),
        /** Anthropic's meaning: input is uncached; cache reads and creation are their own counts. */
        tokens: z.object({
          input: count.default(0),
          output: count.default(0),
          cache_read: count.default(0),
          cache_creation: count.default(0),
        }),
        /** Anthropic's estimate in CENTS (a number): provider_reported, never the bill. */
        estimated_cost: z
          .object({ amount: z.number().nonnegative('negative amount'), currency: z.literal('USD') })
          .optional(),
      }),
    )
    .default([]),
});

export interface ClaudeCodeParsed extends ParseResult<UsageRecord> {
  activity: SeatActivity[];
}

/**
 * Claude Code analytics: per person (or key) and day, one usage record per model with Anthropic's estimated
 * cost (provider_reported). The stream is left to the directory: a subscriber's usage belongs to their
 * Claude plan seat, API usage to the account mileage.yaml names for claude-code; either way the billed
 * total of that stream stays authoritative and these estimates only attribute it. People's days are also
 * seat activity.
 */
export function parseClaudeCodeAnalytics(page: unknown, ctx: { file: string }): ClaudeCodeParsed {
  const envelope = pageSchema.safeParse(page);
  if (!envelope.success)
    return { ...notAPage(ctx.file, 'data', 'not a Claude Code analytics page'), activity: [] };
  const out: ClaudeCodeParsed = { records: [], problems: [], activity: [] };
  envelope.data.data.forEach((raw, i) => {
    const parsed = claudeCodeRecordSchema.safeParse(raw);
    if (!parsed.success) {
      out.problems.push({ file: ctx.file, line: null, ...describeIssue(parsed.error, `data[${i}]`) });
      return;
    }
    const r = parsed.data;
    const start = new Date(r.date);
    const day = start.toISOString().slice(0, 10);
    const who = r.actor.type === 'user_actor' ? r.actor.email_address : r.actor.api_key_name;
    const identity = [day, r.actor.type, who, r.customer_type, r.terminal_type] as const;
    for (const m of r.model_breakdown) {
      out.records.push({
        id: recordId(CLAUDE_CODE_SOURCE, ...identity, m.model),
        source: CLAUDE_CODE_SOURCE,
        stream: null,
        granularity: 'day',
        start,
        end: new Date(start.getTime() + 86_400_000),
        tool: 'claude-code',
        provider: 'anthropic',
        model: m.model,
        tokens: {
          input: m.tokens.input,
          cacheRead: m.tokens.cache_read,
          cacheWrite: m.tokens.cache_creation,
          output: m.tokens.output,
          reasoning: 0,
        },
        requests: 0,
        cost: m.estimated_cost
          ? {
              amount: centsToUsd(m.estimated_cost.amount),
              basis: 'provider_reported',
              priceRef: CLAUDE_CODE_SOURCE,
            }
          : { amount: null, basis: 'list_estimate', priceRef: null },
        hints: r.actor.type === 'user_actor' ? { actor: who } : { keyId: who },
      });
    }
    if (r.actor.type === 'user_actor') {
      out.activity.push({
        id: recordId(CLAUDE_CODE_SOURCE, 'activity', ...identity),
        source: CLAUDE_CODE_SOURCE,
        tool: 'claude-code',
        actor: who,
        day,
        interactions: r.core_metrics?.num_sessions ?? 0,
      });
    }
  });
  return out;
}
