import { recordId } from '../domain/ids.js';
import { fromInclusiveInput } from '../domain/token-semantics.js';
import type { UsageRecord } from '../domain/usage.js';
import { count, text, type Attributes } from './attributes.js';
import { actorOf } from './identity.js';

export const CODEX_OTEL = 'codex-otel';

/**
 * Codex CLI's usage event (reference §2.2): `codex.sse_event` (or `codex.websocket_event` in newer builds)
 * whose `event.kind` is `response.completed` carries the response's token counts. OpenAI's meaning: input
 * includes cached tokens and output includes reasoning, so input is reduced by the cached count here.
 * Codex exports no cost (priced later as a list estimate) and no response id: the natural key is the
 * conversation, the event time, the model and the counts. Other Codex events carry no usage.
 */
export function isCodexUsageEvent(name: string, a: Attributes): boolean {
  return (
    (name === 'codex.sse_event' || name === 'codex.websocket_event') &&
    text(a, 'event.kind') === 'response.completed'
  );
}

export function codexUsage(a: Attributes, at: Date): UsageRecord {
  const sessionId = text(a, 'conversation.id');
  const inputTotal = count(a, 'input_token_count') ?? 0;
  const cached = count(a, 'cached_token_count') ?? 0;
  const output = count(a, 'output_token_count') ?? 0;
  const reasoning = count(a, 'reasoning_token_count') ?? 0;
  const model = text(a, 'model') ?? null;
  return {
    id: recordId(CODEX_OTEL, sessionId, at.toISOString(), model, inputTotal, cached, output, reasoning),
    source: CODEX_OTEL,
    stream: null,
    granularity: 'request',
    start: at,
    end: at,
    tool: 'codex',
    provider: 'openai',
    model,
    tokens: fromInclusiveInput({ input: inputTotal, cacheRead: cached, output, reasoning }),
    requests: 1,
    cost: { amount: null, basis: 'list_estimate', priceRef: null },
    hints: {
      actor: actorOf(a),
      sessionId,
      toolVersion: text(a, 'app.version') ?? text(a, 'service.version'),
    },
  };
}
