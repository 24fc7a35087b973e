import type { CopilotUnits } from './copilot-billing.js';
import type { Usd } from './money.js';

/** How a cost was obtained; the ledger prefers the first over the others for the same stream and day. */
export const COST_BASES = ['billed', 'provider_reported', 'list_estimate'] as const;
export type CostBasis = (typeof COST_BASES)[number];

/** Rank used by the ledger: a higher rank is more authoritative. */
export const BASIS_RANK = { billed: 3, provider_reported: 2, list_estimate: 1 } as const satisfies Record<
  CostBasis,
  number
>;

export const GRANULARITIES = ['request', 'session', 'hour', 'day', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** Finer first: the ledger takes attribution detail from the finest source of a stream and day. */
export const GRANULARITY_RANK = {
  request: 1,
  session: 2,
  hour: 3,
  day: 4,
  month: 5,
} as const satisfies Record<Granularity, number>;

/**
 * One normalised meaning for every provider (src/domain/token-semantics.ts converts each provider's own):
 * - input: uncached input only (Anthropic's meaning; OpenAI/Gemini/OTel inputs are reduced by their cache reads),
 * - cacheRead / cacheWrite: tokens read from / written to the prompt cache (cacheWrite: every lifetime),
 * - output: all generated tokens, reasoning included,
 * - reasoning: the part of output spent on reasoning (informational, never added again),
 * - cacheWrite1h: the part of cacheWrite written with a 1-hour lifetime (the rest is 5-minute), priced higher,
 * - audioInput / audioOutput: the audio part of input / output, priced apart from text.
 * The three subsets are optional: absent means none (a source that cannot report them leaves them out).
 */
export interface TokenCounts {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
  cacheWrite1h?: number | undefined;
  audioInput?: number | undefined;
  audioOutput?: number | undefined;
}

export type TokenField = keyof TokenCounts;

/**
 * Every token dimension, enumerable: validators, stores and pricing iterate this table, so a new dimension is
 * covered everywhere by adding it here. `partOf` names the total a subset is counted in (never added again);
 * `column` is the store's column.
 */
export const TOKEN_FIELDS = {
  input: { column: 'input_tokens', partOf: null },
  cacheRead: { column: 'cache_read_tokens', partOf: null },
  cacheWrite: { column: 'cache_write_tokens', partOf: null },
  output: { column: 'output_tokens', partOf: null },
  reasoning: { column: 'reasoning_tokens', partOf: 'output' },
  cacheWrite1h: { column: 'cache_write_1h_tokens', partOf: 'cacheWrite' },
  audioInput: { column: 'audio_input_tokens', partOf: 'input' },
  audioOutput: { column: 'audio_output_tokens', partOf: 'output' },
} as const satisfies Record<TokenField, { column: string; partOf: TokenField | null }>;

export const TOKEN_FIELD_NAMES = Object.keys(TOKEN_FIELDS) as TokenField[];

export const NO_TOKENS: TokenCounts = { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 };

/** A token dimension's value, 0 when the source did not report it. */
export function tokenValue(t: TokenCounts, field: TokenField): number {
  return t[field] ?? 0;
}

export function totalTokens(t: TokenCounts): number {
  return t.input + t.cacheRead + t.cacheWrite + t.output;
}

/** Requests to server-side tools, billed per use beside tokens. */
export const SERVER_TOOLS = {
  webSearch: { column: 'web_search_requests', label: 'web search' },
  webFetch: { column: 'web_fetch_requests', label: 'web fetch' },
  codeExecution: { column: 'code_execution_requests', label: 'code execution' },
} as const satisfies Record<string, { column: string; label: string }>;

export type ServerTool = keyof typeof SERVER_TOOLS;
export type ServerToolUse = Partial<Record<ServerTool, number>>;
export const SERVER_TOOL_NAMES = Object.keys(SERVER_TOOLS) as ServerTool[];

/**
 * How a request was served, where the price depends on it. Absent = the source did not say (priced as
 * standard). `serviceTier` is one of SERVICE_TIERS or the provider's own word when unknown (then unpriced).
 */
export interface BillingDimensions {
  serviceTier?: string | undefined;
  /** Submitted through a batch API (Anthropic service_tier "batch", OpenAI `batch: true`). */
  batch?: boolean | undefined;
  /** Long-context tier as the source reported it; otherwise decided per request from its tokens. */
  contextTier?: ContextTier | undefined;
  /** Where inference ran (`global`, `us`), when the provider prices it. */
  geo?: string | undefined;
  speed?: Speed | undefined;
}

export const SERVICE_TIERS = ['standard', 'priority', 'flex', 'scale'] as const;
export type ServiceTier = (typeof SERVICE_TIERS)[number];
export const CONTEXT_TIERS = ['base', 'long'] as const;
export type ContextTier = (typeof CONTEXT_TIERS)[number];
export const SPEEDS = ['standard', 'fast'] as const;
export type Speed = (typeof SPEEDS)[number];

/** The billing dimensions as store columns. */
export const BILLING_COLUMNS = {
  serviceTier: 'service_tier',
  batch: 'batch',
  contextTier: 'context_tier',
  geo: 'inference_geo',
  speed: 'speed',
} as const satisfies Record<keyof BillingDimensions, string>;

/**
 * Cost of a record. `amount` is null when the record could not be priced (`unpriced`): its tokens are kept
 * and reported, and it never counts as $0.
 */
export interface Cost {
  amount: Usd | null;
  basis: CostBasis;
  /** Which price produced a list estimate (`genai-prices@0.1.8:anthropic/claude-sonnet-4-6`), or the report that billed it. */
  priceRef: string | null;
}

/** Who and what a record belongs to, as the source said it. Identity values are hashed before storage. */
/** An identity value as the store keeps it: its hash (identityHash) and a display hint (redact). */
export interface HashedIdentity {
  hash: string;
  hint: string;
}

export interface AttributionHints {
  /** Email, login or account id of the person, as written by the source (hashed on storage). */
  actor?: string | undefined;
  /** Provider key id (hashed on storage; a redacted hint is kept for display). */
  keyId?: string | undefined;
  /**
   * `actor` and `keyId` already pseudonymised (domain/pseudonymise.ts), for records that wait on disk before
   * they are stored (the OTLP receiver's log): the store takes these instead of hashing the raw values.
   */
  actorHashed?: HashedIdentity | undefined;
  keyHashed?: HashedIdentity | undefined;
  /** Workspace / project / team id at the provider. */
  workspace?: string | undefined;
  sessionId?: string | undefined;
  /** Working directory of an agent session; the repository is resolved from it (its git remote) at ingest. */
  cwd?: string | undefined;
  repo?: string | undefined;
  branch?: string | undefined;
  /** Workflow tag given at issuance (gateway header, LiteLLM tag, CSV column). */
  workflow?: string | undefined;
  /** Team named at issuance (a gateway key's team): ahead of the key's and the person's team in the directory. */
  teamTag?: string | undefined;
  machineId?: string | undefined;
  toolVersion?: string | undefined;
}

/** A spend fact. Produced by every spend source's parser; stored append-only with `id` as idempotency key. */
export interface UsageRecord {
  id: string;
  source: string;
  /** Billing account (`anthropic:org_x`); null when the source does not name one: resolved from the directory. */
  stream: string | null;
  granularity: Granularity;
  start: Date;
  end: Date;
  tool: string | null;
  provider: string | null;
  model: string | null;
  tokens: TokenCounts;
  /** Server-tool requests (web search, web fetch, code execution), when the source reports them. */
  serverTools?: ServerToolUse | undefined;
  /** Service tier, batch, context tier, geography and speed, when the source reports them. */
  billing?: BillingDimensions | undefined;
  requests: number;
  cost: Cost;
  /** Shared by records of the same request in different sources (e.g. Anthropic `request_id`), to count it once. */
  dedupKey?: string | undefined;
  /**
   * Replays: a log may copy a request under a new id (Claude Code's sidechain replays keep the message id
   * and take a new request id). Records sharing `key` where one is not a `replica` count once, as the
   * original; replicas alone count once, as the replica with the smallest id. See collapseReplicas.
   */
  collapse?: { key: string; replica: boolean } | undefined;
  /**
   * The vendor's own billing units when it bills in units rather than tokens (GitHub Copilot's AI credits
   * and premium requests, domain/copilot-billing.ts): `cost` is priced from them; kept so that an org rate
   * given at ingest can price them again.
   */
  units?: CopilotUnits | undefined;
  /** What the gateway saw of the request it served (gateway records only). */
  served?: ServedRequest | undefined;
  hints: AttributionHints;
}

/** A request as the gateway served it: operational facts beside the spend, never its content. */
export interface ServedRequest {
  /** The gateway's own id of the request: the record id is derived from it (domain/ids.ts recordId). */
  requestId: string;
  /** The HTTP status the client was answered with (the provider's own, passed through). */
  status: number;
  latencyMs: number;
  /** From the request's arrival to the first byte of the answer's body; null when there was none. */
  ttftMs: number | null;
  workloadType?: string | undefined;
  /** The client went away before the end: the record holds what the provider produced regardless. */
  clientAborted?: boolean | undefined;
}

/**
 * The in-memory form of the replay rule the store applies to agent requests (store/duckdb/agent-requests.ts):
 * within a collapse key, originals win over replicas, and replicas alone keep one.
 */
export function collapseReplicas<T extends UsageRecord>(records: readonly T[]): T[] {
  const groups = new Map<string, { original: boolean; firstReplica: string }>();
  for (const r of records) {
    if (!r.collapse) continue;
    const g = groups.get(r.collapse.key) ?? { original: false, firstReplica: '\uffff' };
    if (!r.collapse.replica) g.original = true;
    else if (r.id < g.firstReplica) g.firstReplica = r.id;
    groups.set(r.collapse.key, g);
  }
  return records.filter((r) => {
    if (!r.collapse?.replica) return true;
    const g = groups.get(r.collapse.key);
    return g !== undefined && !g.original && g.firstReplica === r.id;
  });
}
