import { fromInclusiveInput } from '../../../domain/token-semantics.js';
import type { TokenCounts } from '../../../domain/usage.js';
import type { RawUsage } from './schema.js';

/** A Codex usage object with its aliases resolved; still in OpenAI's meaning (input includes cached). */
export interface CodexUsage {
  input: number;
  cached: number;
  /** The part of input written to the prompt cache (`cache_write_input_tokens`, newer builds; else 0). */
  cacheWrite: number;
  output: number;
  reasoning: number;
}

export function fromRaw(u: RawUsage): CodexUsage {
  return {
    input: u.input_tokens ?? u.prompt_tokens ?? 0,
    cached: u.cached_input_tokens ?? u.cached_tokens ?? 0,
    cacheWrite: u.cache_write_input_tokens ?? 0,
    output: u.output_tokens ?? u.completion_tokens ?? 0,
    reasoning: u.reasoning_output_tokens ?? 0,
  };
}

const FIELDS = [
  'input',
  'cached',
  'cacheWrite',
  'output',
  'reasoning',
] as const satisfies readonly (keyof CodexUsage)[];

export function sameUsage(a: CodexUsage, b: CodexUsage): boolean {
  return FIELDS.every((f) => a[f] === b[f]);
}

/** A cumulative counter that went down: the session was resumed or compacted and counts from a new base. */
export function wentDown(total: CodexUsage, previous: CodexUsage): boolean {
  return FIELDS.some((f) => total[f] < previous[f]);
}

export function minus(total: CodexUsage, previous: CodexUsage): CodexUsage {
  return {
    input: total.input - previous.input,
    cached: total.cached - previous.cached,
    cacheWrite: total.cacheWrite - previous.cacheWrite,
    output: total.output - previous.output,
    reasoning: total.reasoning - previous.reasoning,
  };
}

export function isZero(u: CodexUsage): boolean {
  return FIELDS.every((f) => u[f] === 0);
}

/**
 * `i/c/o/r`: a compact, stable spelling of a usage vector, used in record ids (`/w` added only when cache
 * writes are reported, so the ids of rollouts written before them do not change).
 */
export function usageKey(u: CodexUsage): string {
  const key = `${u.input}/${u.cached}/${u.output}/${u.reasoning}`;
  return u.cacheWrite > 0 ? `${key}/${u.cacheWrite}` : key;
}

/** OpenAI meaning → Mileage's, by the inclusive-input rule (domain/token-semantics). */
export function toTokenCounts(u: CodexUsage): TokenCounts {
  return fromInclusiveInput({
    input: u.input,
    cacheRead: u.cached,
    cacheWrite: u.cacheWrite,
    output: u.output,
    reasoning: u.reasoning,
  });
}
