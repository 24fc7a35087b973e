import { recordId } from '../domain/ids.js';
import { usd } from '../domain/money.js';
import { billingOf, fromAnthropic, speedOf } from '../domain/token-semantics.js';
import type { Cost, UsageRecord } from '../domain/usage.js';
import { count, decimalText, text, type Attributes } from './attributes.js';
import { actorOf } from './identity.js';

export const CLAUDE_CODE_OTEL = 'claude-code-otel';

/**
 * A `claude_code.api_request` event (reference §2.1): one API request with its model, tokens (Anthropic's
 * meaning: input is uncached) and Claude Code's own cost estimate `cost_usd`, taken as provider_reported and
 * read from the attribute's text (or `cost_usd_micros` when only that is sent), never through a float sum.
 * The id is the request id (then client_request_id, then session + time + sequence), the same whichever
 * export carried it, so a retried export counts once; request_id is also the dedup key shared with the
 * session transcripts.
 */
export function claudeApiRequest(a: Attributes, at: Date): UsageRecord {
  const requestId = text(a, 'request_id') ?? text(a, 'client_request_id');
  const sessionId = text(a, 'session.id');
  const costText = decimalText(a, 'cost_usd');
  const micros = decimalText(a, 'cost_usd_micros');
  const amount =
    costText !== undefined ? usd(costText) : micros !== undefined ? usd(micros).dividedBy(1_000_000) : null;
  const cost: Cost =
    amount === null
      ? { amount: null, basis: 'list_estimate', priceRef: null }
      : { amount, basis: 'provider_reported', priceRef: 'claude_code.api_request.cost_usd' };
  return {
    id: requestId
      ? recordId(CLAUDE_CODE_OTEL, 'request', requestId)
      : recordId(CLAUDE_CODE_OTEL, 'event', sessionId, at.toISOString(), text(a, 'event.sequence')),
    source: CLAUDE_CODE_OTEL,
    stream: null,
    granularity: 'request',
    start: at,
    end: at,
    tool: 'claude-code',
    provider: 'anthropic',
    model: text(a, 'model') ?? null,
    // Anthropic's meaning; the event has no 1h/5m split of cache writes (all are taken as 5-minute).
    tokens: fromAnthropic({
      input: count(a, 'input_tokens') ?? 0,
      cacheRead: count(a, 'cache_read_tokens'),
      cacheWrite: count(a, 'cache_creation_tokens'),
      output: count(a, 'output_tokens') ?? 0,
    }),
    billing: billingOf({ speed: speedOf(text(a, 'speed')) }),
    requests: 1,
    cost,
    dedupKey: requestId,
    hints: {
      actor: actorOf(a),
      sessionId,
      toolVersion: text(a, 'app.version') ?? text(a, 'service.version'),
      machineId: text(a, 'user.id'),
    },
  };
}
