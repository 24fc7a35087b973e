import { fromGenAiSpan, GENAI_SPAN_USAGE, type GenAiSpanUsage } from '../../../domain/token-semantics.js';
import type { TokenCounts } from '../../../domain/usage.js';

/**
 * Usage attributes of a GenAI span: the one table every span path reads (domain/token-semantics.ts), so the
 * file export and the OTLP receiver see the same names, audio and server tools included.
 */
export const TOKEN_ATTRIBUTES = GENAI_SPAN_USAGE;

export type RawTokens = GenAiSpanUsage;

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

/** Session totals in the OTel GenAI meaning → Mileage's, by the rule every GenAI span path shares. */
export function toTokenCounts(t: {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
}): TokenCounts {
  return fromGenAiSpan(t);
}
