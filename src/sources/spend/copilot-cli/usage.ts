import { fromGenAiSpan } from '../../../domain/token-semantics.js';
import type { TokenCounts } from '../../../domain/usage.js';

/**
 * Token attributes of a GenAI span, current names first, then deprecated and non-standard aliases seen
 * in the wild (reference §3.2): the first one present wins.
 */
export const TOKEN_ATTRIBUTES = {
  /** All input, cached included (semantic conventions: SHOULD include cached tokens). */
  input: ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'],
  /** All output, reasoning included. */
  output: ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'],
  /** Subset of input read from the cache. */
  cacheRead: [
    'gen_ai.usage.cache_read.input_tokens',
    'gen_ai.usage.cache_read_input_tokens',
    'gen_ai.usage.input_tokens.cached',
  ],
  /** Subset of input written to the cache; Copilot CLI writes the `cache_write` spelling. */
  cacheWrite: ['gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_write.input_tokens'],
  /** Subset of output spent reasoning. */
  reasoning: ['gen_ai.usage.reasoning.output_tokens', 'gen_ai.usage.reasoning_tokens'],
} as const satisfies Record<string, readonly string[]>;

export type RawTokens = Record<keyof typeof TOKEN_ATTRIBUTES, number>;

/** A token attribute: a whole, non-negative number, or its decimal string (OTLP's 64-bit integers). */
export function readCount(value: unknown): { ok: true; value: number } | { ok: false; message: string } {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)
        ? Number(value)
        : NaN;
  if (Number.isNaN(n))
    return { ok: false, message: `expected a number of tokens, received ${JSON.stringify(value)}` };
  if (!Number.isInteger(n)) return { ok: false, message: 'expected a whole number of tokens' };
  if (n < 0) return { ok: false, message: 'negative token count' };
  return { ok: true, value: n };
}

/** OTel GenAI meaning → Mileage's, by the one rule every GenAI span path shares (domain/token-semantics). */
export function toTokenCounts(t: RawTokens): TokenCounts {
  return fromGenAiSpan(t);
}
