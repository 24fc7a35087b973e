import { z } from 'zod';

const count = z.number().int('expected a whole number of tokens').nonnegative('negative token count');
/** A dimension: null unless the report was grouped by it (reference §4.1). */
const dimension = z.string().nullable().optional();

/** One result of GET /v1/organizations/usage_report/messages (reference §4.1). */
export const usageResultSchema = z.object({
  /** Input not served from the cache: Mileage's `input`. */
  uncached_input_tokens: count,
  /** Cache reads, priced at a fraction of input. */
  cache_read_input_tokens: count.default(0),
  /** Cache writes by lifetime (1h writes cost more); their sum is the cache-write total. */
  cache_creation: z
    .object({ ephemeral_5m_input_tokens: count.default(0), ephemeral_1h_input_tokens: count.default(0) })
    .default({ ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 }),
  /** Generated tokens, thinking included. */
  output_tokens: count,
  /** Server-tool requests by kind (`web_search_requests`…), billed per use; read leniently. */
  server_tool_use: z.unknown().optional(),
  /** Key → owner, team and workflow through mileage.yaml; null = Console / Workbench usage. */
  api_key_id: dimension,
  /** The billing stream within the organisation; null = the default workspace. */
  workspace_id: dimension,
  /** The person, when grouped by account: attribution without a key mapping. */
  account_id: dimension,
  /** A service account (grouped by it): part of the row's identity. */
  service_account_id: dimension,
  /** What is priced. */
  model: dimension,
  /** Batch and priority tiers are priced differently from standard. */
  service_tier: dimension,
  /** Long-context requests (200k-1M) are priced differently. */
  context_window: dimension,
  /** Regional inference is priced differently; part of the row's identity when grouped by it. */
  inference_geo: dimension,
  /** Fast mode (beta): priced with a multiplier; part of the row's identity when grouped by it. */
  speed: dimension,
});

/** One result of GET /v1/organizations/cost_report (reference §4.2). */
export const costResultSchema = z.object({
  /** What was billed, in CENTS as a decimal string ("54.966" = $0.54966): never read through a float. */
  amount: z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string of cents'),
  /** Only USD is documented; anything else must not be summed with dollars. */
  currency: z.literal('USD', 'expected currency USD'),
  /** The billing stream: billed cost is authoritative for its workspace and day. */
  workspace_id: dimension,
  /** The cost line ("Claude Sonnet 4.6 Usage - Input Tokens"): part of the row's identity. */
  description: dimension,
  /** Parsed from description when grouped by it: tokens, web_search, code_execution, session_usage. */
  cost_type: dimension,
  /** The model the billed tokens ran on: lets estimates per model be reconciled to the bill. */
  model: dimension,
  /** Which token kind this line bills (uncached_input_tokens, output_tokens, cache_read_input_tokens…). */
  token_type: dimension,
  service_tier: dimension,
  context_window: dimension,
  /** Part of the row's identity when present. */
  inference_geo: dimension,
});

/** A time bucket: start inclusive, end exclusive, UTC; empty buckets are listed with no results. */
export const bucketSchema = z
  .object({
    starting_at: z.iso.datetime({ offset: true }),
    ending_at: z.iso.datetime({ offset: true }),
    /** Validated one by one, so that one bad result does not lose its neighbours. */
    results: z.array(z.unknown()),
  })
  .refine((b) => Date.parse(b.ending_at) > Date.parse(b.starting_at), {
    message: 'ending_at is not after starting_at',
    path: ['ending_at'],
  });

/** A report page: buckets oldest first (validated one by one), and the cursor to the next page. */
export const pageSchema = z.object({
  data: z.array(z.unknown()),
  has_more: z.boolean().optional(),
  next_page: z.string().nullable().optional(),
});
