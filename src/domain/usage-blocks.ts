import {
  anthropicServerTools,
  billingOf,
  fromAnthropic,
  fromInclusiveInput,
  serviceTierOf,
  speedOf,
} from './token-semantics.js';
import type { BillingDimensions, ServerToolUse, TokenCounts } from './usage.js';

/**
 * The `usage` blocks of the providers' inference APIs (Anthropic Messages, OpenAI Chat Completions and
 * Responses), read into Mileage's split by the conventions of token-semantics.ts. One reader per block
 * shape, for every path that sees an API answer (the gateway, the model-selection audit), so a block read
 * here gives the same record whichever path carried it.
 */
export interface BlockUsage {
  tokens: TokenCounts;
  serverTools?: ServerToolUse | undefined;
  billing?: BillingDimensions | undefined;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
const int = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Anthropic's usage block (a message, or a stream's message_start / message_delta merged): input uncached,
 * cache reads and writes beside it, the 5m/1h split of writes when given, server tools, tier and speed.
 */
export function anthropicBlock(usage: unknown): BlockUsage {
  const u = obj(usage);
  const split = u.cache_creation === undefined || u.cache_creation === null ? null : obj(u.cache_creation);
  return {
    tokens: fromAnthropic({
      input: int(u.input_tokens),
      cacheRead: int(u.cache_read_input_tokens),
      cacheWrite: int(u.cache_creation_input_tokens),
      cacheWrite5m: split ? int(split.ephemeral_5m_input_tokens) : null,
      cacheWrite1h: split ? int(split.ephemeral_1h_input_tokens) : null,
      output: int(u.output_tokens),
    }),
    serverTools: anthropicServerTools(u.server_tool_use),
    billing: billingOf({ ...serviceTierOf(text(u.service_tier)), speed: speedOf(text(u.speed)) }),
  };
}

/** The two spellings of OpenAI's inclusive usage: Chat Completions (prompt/completion) and Responses (input/output). */
const OPENAI_KEYS = {
  chat: { input: 'prompt_tokens', output: 'completion_tokens' },
  responses: { input: 'input_tokens', output: 'output_tokens' },
} as const;
export type OpenAiApi = keyof typeof OPENAI_KEYS;

/**
 * OpenAI's usage block: input includes cached tokens, output includes reasoning, audio is a part of each.
 * `serviceTier` is the answer's own `service_tier` (it sits beside the usage block, not in it).
 */
export function openAiBlock(api: OpenAiApi, usage: unknown, serviceTier?: unknown): BlockUsage {
  const u = obj(usage);
  const keys = OPENAI_KEYS[api];
  const inDetails = obj(u[`${keys.input}_details`]);
  const outDetails = obj(u[`${keys.output}_details`]);
  return {
    tokens: fromInclusiveInput({
      input: int(u[keys.input]),
      cacheRead: int(inDetails.cached_tokens),
      output: int(u[keys.output]),
      reasoning: int(outDetails.reasoning_tokens),
      audioInput: int(inDetails.audio_tokens),
      audioOutput: int(outDetails.audio_tokens),
    }),
    billing: billingOf(serviceTierOf(text(serviceTier))),
  };
}
