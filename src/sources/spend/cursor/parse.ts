import { recordId } from '../../../domain/ids.js';
import { centsToUsd } from '../../../domain/money.js';
import type { ParseResult } from '../../../domain/parse-result.js';
import type { Cost, UsageRecord } from '../../../domain/usage.js';
import { notAPage, parseEachItem } from '../../each-item.js';
import { usageEventSchema, usageEventsPageSchema } from './schema.js';

export const SOURCE = 'cursor-usage-events';

/** Cursor names models its own way; the provider is what prices and audits need. */
export function providerOfModel(model: string): string | null {
  if (/^claude/i.test(model)) return 'anthropic';
  if (/^(gpt|o\d)/i.test(model)) return 'openai';
  if (/^gemini/i.test(model)) return 'google';
  return null;
}

/** Cursor writes `claude-4.5-sonnet`; price lists and other sources write `claude-sonnet-4-5`. */
export function normaliseModel(model: string): string {
  return model.replace(
    /^claude-(\d+)(?:\.(\d+))?-(sonnet|opus|haiku)(.*)$/,
    (_m, major: string, minor: string | undefined, family: string, rest: string) =>
      `claude-${family}-${major}${minor ? `-${minor}` : ''}${rest}`,
  );
}

/**
 * Per-request usage events (reference §6.4). Their cents are Cursor's own figure (provider_reported):
 * chargedCents when present, else tokenUsage.totalCents. Included requests belong to the person's Cursor
 * seat (stream null, resolved from the directory): the seat price is what was paid and these events only
 * allocate it; usage-based requests are the team's own stream. Cursor's inputTokens are taken as uncached
 * input, since cache reads and writes come in their own fields. An event without tokenUsage (not
 * token-based) is one request with no tokens.
 */
export function parseCursorUsageEvents(
  page: unknown,
  ctx: { file: string; team: string },
): ParseResult<UsageRecord> {
  const parsed = usageEventsPageSchema.safeParse(page);
  if (!parsed.success) return notAPage(ctx.file, 'usageEvents', 'expected a page of usage events');
  return parseEachItem(
    parsed.data.usageEvents,
    usageEventSchema,
    { file: ctx.file, path: 'usageEvents' },
    (e) => {
      const at = new Date(e.timestamp);
      const t = e.tokenUsage;
      const tokens = {
        input: t?.inputTokens ?? 0,
        cacheRead: t?.cacheReadTokens ?? 0,
        cacheWrite: t?.cacheWriteTokens ?? 0,
        output: t?.outputTokens ?? 0,
        reasoning: 0,
      };
      const cents = e.chargedCents ?? t?.totalCents;
      const cost: Cost =
        cents === undefined
          ? { amount: null, basis: 'list_estimate', priceRef: null }
          : { amount: centsToUsd(cents), basis: 'provider_reported', priceRef: SOURCE };
      return {
        // No event id is documented: the natural key is who, when, what and how much.
        id: recordId(
          SOURCE,
          e.userEmail,
          e.timestamp,
          e.model,
          e.kind,
          tokens.input,
          tokens.output,
          tokens.cacheRead,
          tokens.cacheWrite,
        ),
        source: SOURCE,
        stream: /included/i.test(e.kind) ? null : `cursor:${ctx.team}`,
        granularity: 'request',
        start: at,
        end: at,
        tool: 'cursor',
        provider: providerOfModel(e.model),
        model: normaliseModel(e.model),
        tokens,
        requests: 1,
        cost,
        hints: { actor: e.userEmail },
      };
    },
  );
}
