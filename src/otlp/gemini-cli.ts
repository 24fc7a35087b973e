import { recordId } from '../domain/ids.js';
import { fromGemini } from '../domain/token-semantics.js';
import type { TokenCounts, UsageRecord } from '../domain/usage.js';
import { count, text, type Attributes } from './attributes.js';
import { actorOf } from './identity.js';

export const GEMINI_CLI_OTEL = 'gemini-cli-otel';

/** Gemini CLI's event counts → Mileage's, by Gemini's rule (domain/token-semantics). */
export function geminiTokens(c: {
  input: number;
  cached: number;
  output: number;
  thoughts: number;
  tool: number;
}): TokenCounts {
  return fromGemini({
    prompt: c.input,
    cached: c.cached,
    candidates: c.output,
    thoughts: c.thoughts,
    toolUse: c.tool,
  });
}

/**
 * A `gemini_cli.api_response` event (reference §2.3): one model response. Gemini CLI exports no cost and no
 * response id; the natural key is the session, prompt id, event time, model and counts.
 */
export function geminiApiResponse(a: Attributes, at: Date): UsageRecord {
  const sessionId = text(a, 'session.id');
  const model = text(a, 'model') ?? null;
  const c = {
    input: count(a, 'input_token_count') ?? 0,
    cached: count(a, 'cached_content_token_count') ?? 0,
    output: count(a, 'output_token_count') ?? 0,
    thoughts: count(a, 'thoughts_token_count') ?? 0,
    tool: count(a, 'tool_token_count') ?? 0,
  };
  return {
    id: recordId(
      GEMINI_CLI_OTEL,
      sessionId,
      text(a, 'prompt_id'),
      at.toISOString(),
      model,
      c.input,
      c.cached,
      c.output,
      c.thoughts,
      c.tool,
    ),
    source: GEMINI_CLI_OTEL,
    stream: null,
    granularity: 'request',
    start: at,
    end: at,
    tool: 'gemini-cli',
    provider: 'google',
    model,
    tokens: geminiTokens(c),
    requests: 1,
    cost: { amount: null, basis: 'list_estimate', priceRef: null },
    hints: {
      actor: actorOf(a),
      sessionId,
      toolVersion: text(a, 'app.version') ?? text(a, 'service.version'),
      machineId: text(a, 'installation.id'),
    },
  };
}
