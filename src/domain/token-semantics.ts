import type {
  BillingDimensions,
  ContextTier,
  ServerTool,
  ServerToolUse,
  ServiceTier,
  Speed,
  TokenCounts,
} from './usage.js';

/**
 * Every provider's token semantics, in one place: each source (agent log files, OTLP, vendor usage APIs,
 * the gateway) reads its raw fields and hands them to the converter of the convention they follow, so the
 * same request gives the same split whichever path carried it (token-semantics.test.ts proves it for every
 * source's normaliser).
 *
 * Conventions:
 * - Anthropic: `input_tokens` is uncached input; cache reads and writes are counted beside it; cache writes
 *   are either flat or split by lifetime (5m / 1h, the 1h ones priced higher).
 * - Inclusive input (OpenAI, OpenTelemetry GenAI, Codex, Copilot): input counts cache reads and writes, output
 *   counts reasoning, audio is part of input / output.
 * - Gemini: the prompt count includes cached content; thoughts and the tool-use prompt are counted beside
 *   the candidates and the prompt, and billed as output and input.
 */

const whole = (n: number | null | undefined): number => (typeof n === 'number' && n > 0 ? n : 0);

/** Drops subsets that are zero, so records of sources without them look as they always did. */
function withSubsets(
  t: TokenCounts,
  subsets: { cacheWrite1h?: number; audioInput?: number; audioOutput?: number },
): TokenCounts {
  const out: TokenCounts = { ...t };
  if (subsets.cacheWrite1h) out.cacheWrite1h = subsets.cacheWrite1h;
  if (subsets.audioInput) out.audioInput = subsets.audioInput;
  if (subsets.audioOutput) out.audioOutput = subsets.audioOutput;
  return out;
}

export interface AnthropicRawTokens {
  /** Uncached input. */
  input: number;
  cacheRead?: number | null | undefined;
  /** Flat cache-write count (`cache_creation_input_tokens`), used when no lifetime split is given. */
  cacheWrite?: number | null | undefined;
  /** The lifetime split (`cache_creation.ephemeral_5m_input_tokens` / `_1h_`): when present it wins. */
  cacheWrite5m?: number | null | undefined;
  cacheWrite1h?: number | null | undefined;
  output: number;
}

/**
 * Anthropic's meaning (Claude Code transcripts and OTel events, the Admin usage report, LiteLLM rows for
 * Claude). With a lifetime split the write total is 5m + 1h; the flat count alone is taken as 5-minute
 * writes (the default lifetime), which is all such a source can say.
 */
export function fromAnthropic(u: AnthropicRawTokens): TokenCounts {
  const split = u.cacheWrite5m != null || u.cacheWrite1h != null;
  const cacheWrite1h = split ? whole(u.cacheWrite1h) : 0;
  const cacheWrite = split ? whole(u.cacheWrite5m) + cacheWrite1h : whole(u.cacheWrite);
  return withSubsets(
    {
      input: whole(u.input),
      cacheRead: whole(u.cacheRead),
      cacheWrite,
      output: whole(u.output),
      reasoning: 0,
    },
    { cacheWrite1h },
  );
}

export interface InclusiveRawTokens {
  /** All input: cache reads and writes (and audio) included. */
  input: number;
  cacheRead?: number | null | undefined;
  cacheWrite?: number | null | undefined;
  /** All output: reasoning (and audio) included. */
  output: number;
  reasoning?: number | null | undefined;
  /** The audio part of input, cached audio included (OTel GenAI's `gen_ai.usage.audio.input_tokens`). */
  audioInput?: number | null | undefined;
  /** The cached part of the audio input: priced as a cache read, so not kept as uncached audio. */
  audioCacheRead?: number | null | undefined;
  audioOutput?: number | null | undefined;
}

/**
 * The inclusive meaning of a provider that always counts that way (OpenAI's APIs, Codex): cache reads and
 * writes are parts of input, so input keeps what neither touched, each clamped to what input can hold (a
 * cache cannot serve more than was sent). Reasoning and audio are parts of output / input, clamped to them.
 */
export function fromInclusiveInput(u: InclusiveRawTokens): TokenCounts {
  const total = whole(u.input);
  const cacheRead = Math.min(whole(u.cacheRead), total);
  const cacheWrite = Math.min(whole(u.cacheWrite), total - cacheRead);
  return inclusive(total - cacheRead - cacheWrite, cacheRead, cacheWrite, u);
}

/**
 * The OpenTelemetry GenAI conventions' meaning, for spans and their relays (OTLP receiver, Copilot CLI's file
 * export, LiteLLM rows): input SHOULD include cache reads and writes, as in fromInclusiveInput. But an emitter
 * whose input is smaller than its cache tokens cannot be inclusive: it is using Anthropic's meaning (input
 * uncached; several GenAI instrumentations of Claude do), and its input is kept whole with its cache tokens,
 * rather than clamped, which would lose the cache tokens' price.
 */
export function fromGenAiSpan(u: InclusiveRawTokens): TokenCounts {
  const total = whole(u.input);
  const cacheRead = whole(u.cacheRead);
  const cacheWrite = whole(u.cacheWrite);
  const input = total >= cacheRead + cacheWrite ? total - cacheRead - cacheWrite : total;
  return inclusive(input, cacheRead, cacheWrite, u);
}

function inclusive(input: number, cacheRead: number, cacheWrite: number, u: InclusiveRawTokens): TokenCounts {
  const output = whole(u.output);
  const uncachedAudio = Math.max(0, whole(u.audioInput) - whole(u.audioCacheRead));
  return withSubsets(
    { input, cacheRead, cacheWrite, output, reasoning: Math.min(whole(u.reasoning), output) },
    { audioInput: Math.min(uncachedAudio, input), audioOutput: Math.min(whole(u.audioOutput), output) },
  );
}

/**
 * Usage attributes of a GenAI span, for every path that reads spans (the OTLP receiver, Copilot CLI's file
 * export): the OpenTelemetry GenAI conventions' names first (semantic-conventions-genai `model/gen-ai`:
 * the audio breakdown `gen_ai.usage.audio.*` is a part of input / output, its cached part a part of the cache
 * reads), then deprecated and vendor names seen in the wild; the first one present wins. The conventions
 * name no server-tool count: Anthropic instrumentations emit Anthropic's own `server_tool_use` fields under
 * `anthropic.usage.…`, and Copilot CLI its `cache_write` spelling. OpenInference's `llm.token_count.*` (Envoy
 * AI Gateway's spans, Arize's instrumentations) come last: the same inclusive meaning, prompt details as parts
 * of the prompt and completion details as parts of the completion.
 */
export const GENAI_SPAN_USAGE = {
  input: ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt'],
  output: ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.token_count.completion'],
  cacheRead: [
    'gen_ai.usage.cache_read.input_tokens',
    'gen_ai.usage.cache_read_input_tokens',
    'gen_ai.usage.input_tokens.cached',
    'llm.token_count.prompt_details.cache_read',
  ],
  cacheWrite: [
    'gen_ai.usage.cache_creation.input_tokens',
    'gen_ai.usage.cache_write.input_tokens',
    'gen_ai.usage.cache_creation_input_tokens',
    'llm.token_count.prompt_details.cache_creation',
  ],
  reasoning: [
    'gen_ai.usage.reasoning.output_tokens',
    'gen_ai.usage.reasoning_tokens',
    'llm.token_count.completion_details.reasoning',
  ],
  audioInput: ['gen_ai.usage.audio.input_tokens', 'llm.token_count.prompt_details.audio'],
  audioCacheRead: ['gen_ai.usage.audio.cache_read.input_tokens'],
  audioOutput: ['gen_ai.usage.audio.output_tokens', 'llm.token_count.completion_details.audio'],
  webSearch: ['anthropic.usage.server_tool_use.web_search_requests'],
  webFetch: ['anthropic.usage.server_tool_use.web_fetch_requests'],
  codeExecution: ['anthropic.usage.server_tool_use.code_execution_requests'],
} as const satisfies Record<keyof InclusiveRawTokens | ServerTool, readonly string[]>;

export type GenAiSpanUsage = Partial<Record<keyof typeof GENAI_SPAN_USAGE, number>>;

/** A span's usage as read through GENAI_SPAN_USAGE → the split and the server tools, by fromGenAiSpan. */
export function fromGenAiSpanUsage(u: GenAiSpanUsage): { tokens: TokenCounts; serverTools?: ServerToolUse } {
  const tokens = fromGenAiSpan({
    input: u.input ?? 0,
    cacheRead: u.cacheRead,
    cacheWrite: u.cacheWrite,
    output: u.output ?? 0,
    reasoning: u.reasoning,
    audioInput: u.audioInput,
    audioCacheRead: u.audioCacheRead,
    audioOutput: u.audioOutput,
  });
  const tools: ServerToolUse = {};
  for (const tool of ['webSearch', 'webFetch', 'codeExecution'] as const) {
    const n = whole(u[tool]);
    if (n > 0) tools[tool] = n;
  }
  return Object.keys(tools).length > 0 ? { tokens, serverTools: tools } : { tokens };
}

export interface GeminiRawTokens {
  /** promptTokenCount: input, cached content included. */
  prompt: number;
  cached: number;
  /** candidatesTokenCount: the answer, thoughts excluded. */
  candidates: number;
  thoughts: number;
  /** toolUsePromptTokenCount: counted beside the prompt, billed as input. */
  toolUse: number;
}

/**
 * Gemini's meaning (Gemini CLI chat files and OTel events, Vertex/AI Studio responses): input loses its cached
 * part (clamped to the prompt) and gains the tool-use prompt; output gains the thoughts, which Google bills at
 * the output price ("output price, including thinking tokens") but reports outside the candidates.
 */
export function fromGemini(u: GeminiRawTokens): TokenCounts {
  const prompt = whole(u.prompt);
  const cacheRead = Math.min(whole(u.cached), prompt);
  const thoughts = whole(u.thoughts);
  return {
    input: prompt - cacheRead + whole(u.toolUse),
    cacheRead,
    cacheWrite: 0,
    output: whole(u.candidates) + thoughts,
    reasoning: thoughts,
  };
}

export interface OpenAiUsageRow {
  input_tokens: number;
  input_cached_tokens?: number | null | undefined;
  input_cache_write_tokens?: number | null | undefined;
  input_uncached_tokens?: number | null | undefined;
  input_text_tokens?: number | null | undefined;
  input_audio_tokens?: number | null | undefined;
  output_tokens: number;
  output_text_tokens?: number | null | undefined;
  output_audio_tokens?: number | null | undefined;
}

/**
 * OpenAI's organisation usage (`/organization/usage/completions`). Answers since the 2026-07 spec count audio
 * (and images) inside `input_tokens` / `output_tokens` and say so by carrying the `*_text_tokens` split; older
 * answers counted text only there and audio beside it, so audio is added to reach the total. Cached and
 * cache-write tokens are parts of input either way; `input_uncached_tokens` (2026-07 spec), when present, is
 * the uncached input.
 */
export function fromOpenAiUsage(r: OpenAiUsageRow): TokenCounts {
  const audioIn = whole(r.input_audio_tokens);
  const audioOut = whole(r.output_audio_tokens);
  // The uncached count, when given, is authoritative: the total is rebuilt from it.
  const input =
    r.input_uncached_tokens != null
      ? whole(r.input_uncached_tokens) + whole(r.input_cached_tokens) + whole(r.input_cache_write_tokens)
      : whole(r.input_tokens) + (r.input_text_tokens == null ? audioIn : 0);
  const output = whole(r.output_tokens) + (r.output_text_tokens == null ? audioOut : 0);
  return fromInclusiveInput({
    input,
    cacheRead: r.input_cached_tokens,
    cacheWrite: r.input_cache_write_tokens,
    output,
    audioInput: audioIn,
    audioOutput: audioOut,
  });
}

/** Anthropic's `server_tool_use` object (transcripts, usage report) → server-tool requests by kind. */
const ANTHROPIC_SERVER_TOOLS = {
  web_search_requests: 'webSearch',
  web_fetch_requests: 'webFetch',
  code_execution_requests: 'codeExecution',
} as const satisfies Record<string, ServerTool>;

export function anthropicServerTools(raw: unknown): ServerToolUse | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const out: ServerToolUse = {};
  for (const [key, tool] of Object.entries(ANTHROPIC_SERVER_TOOLS)) {
    const n = (raw as Record<string, unknown>)[key];
    if (typeof n === 'number' && Number.isInteger(n) && n > 0) out[tool] = n;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Providers' service tier words → Mileage's: `batch` is a tier at Anthropic and a flag at OpenAI, both the
 * batch discount; OpenAI's `default`/`auto` and Anthropic's `standard` are standard; `priority_on_demand` is
 * priority, `flex_discount` flex. Any other word is kept (lower-cased) so that pricing can say it has no
 * price for it instead of pricing it as standard. The store's SQL readers use this same table.
 */
export const SERVICE_TIER_WORDS = {
  batch: { serviceTier: 'standard', batch: true },
  standard: { serviceTier: 'standard' },
  default: { serviceTier: 'standard' },
  auto: { serviceTier: 'standard' },
  on_demand: { serviceTier: 'standard' },
  priority: { serviceTier: 'priority' },
  priority_on_demand: { serviceTier: 'priority' },
  flex: { serviceTier: 'flex' },
  flex_discount: { serviceTier: 'flex' },
  scale: { serviceTier: 'scale' },
} as const satisfies Record<string, { serviceTier: ServiceTier; batch?: true }>;

export function serviceTierOf(
  raw: string | null | undefined,
): Pick<BillingDimensions, 'serviceTier' | 'batch'> {
  if (raw === null || raw === undefined || raw.trim() === '') return {};
  const word = raw.trim().toLowerCase();
  const known = (SERVICE_TIER_WORDS as Record<string, { serviceTier: ServiceTier; batch?: true }>)[word];
  return known ? { ...known } : { serviceTier: word };
}

/** `speed` words (Anthropic fast mode, Claude Code's `speed`) → Mileage's. */
export const SPEED_WORDS = {
  fast: 'fast',
  normal: 'standard',
  standard: 'standard',
} as const satisfies Record<string, Speed>;

/** Anthropic's `context_window` dimension → the long-context tier. */
export function contextTierOf(raw: string | null | undefined): ContextTier | undefined {
  if (raw === '0-200k') return 'base';
  if (raw === '200k-1M' || raw === '200k-1m') return 'long';
  return undefined;
}

/** `inference_geo`: `not_available` (a model without the choice) says nothing. */
export function geoOf(raw: string | null | undefined): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  const word = raw.trim().toLowerCase();
  return word === '' || word === 'not_available' ? undefined : word;
}

export function speedOf(raw: string | null | undefined): Speed | undefined {
  if (raw === null || raw === undefined) return undefined;
  return (SPEED_WORDS as Record<string, Speed>)[raw.trim().toLowerCase()];
}

/** Billing dimensions with the unset ones left out; undefined when none is set. */
export function billingOf(d: BillingDimensions): BillingDimensions | undefined {
  const out: BillingDimensions = {};
  if (d.serviceTier !== undefined) out.serviceTier = d.serviceTier;
  if (d.batch !== undefined) out.batch = d.batch;
  if (d.contextTier !== undefined) out.contextTier = d.contextTier;
  if (d.geo !== undefined) out.geo = d.geo;
  if (d.speed !== undefined) out.speed = d.speed;
  return Object.keys(out).length > 0 ? out : undefined;
}
