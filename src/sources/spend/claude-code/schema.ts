import { z } from 'zod';

/** A token count: a whole number, never negative (a negative count is a corrupt line, not a refund). */
const count = z.number().int('expected a whole number of tokens').nonnegative('negative token count');

/**
 * The fields of an assistant transcript line that Mileage reads (reference §1.1). Everything else, the
 * content blocks above all, is ignored and never stored. Anthropic says the format is internal and changes
 * between versions, so only what the ledger needs is required.
 */
export const assistantLineSchema = z.object({
  type: z.literal('assistant'),
  /** The true session id: ties requests to a session, and sessions to a branch and a PR. */
  sessionId: z.string().min(1).optional(),
  /** Absolute working directory: its last segment names the repository. */
  cwd: z.string().optional(),
  /** The branch the session worked on (may be "" or "HEAD"): the join to the PR it produced. */
  gitBranch: z.string().optional(),
  /** Claude Code version: lets a report explain format changes and cost differences between versions. */
  version: z.string().optional(),
  /** Sidechain / `/btw` logs replay parent messages with a new requestId: they must not count twice. */
  isSidechain: z.boolean().optional(),
  /** Anthropic request id; half of the deduplication key, and the join to OTel `request_id`. */
  requestId: z.string().min(1).optional(),
  /** When the content block was written (ISO-8601 UTC): the request's time. */
  timestamp: z.iso.datetime({ offset: true }),
  /** Older versions only: the tool's own cost estimate, in dollars (provider_reported). */
  costUSD: z.number().nonnegative().optional(),
  message: z.object({
    /** `msg_…` (or a proxy's own id): with requestId, identifies one API response across its block lines. */
    id: z.string().min(1),
    /** What is priced; `<synthetic>` marks local error messages that were never a request. */
    model: z.string().min(1),
    /** A copy of the response's usage on every block line; output_tokens may be a streaming partial. */
    usage: z.object({
      /** Uncached input only (Anthropic's meaning, which is also Mileage's). */
      input_tokens: count,
      /** Cache writes, flat; superseded by the 5m/1h split below when present. */
      cache_creation_input_tokens: count.optional(),
      /** Cache reads: a tenth of the input price, so they must not be mixed into input. */
      cache_read_input_tokens: count.optional(),
      /** Cache writes by lifetime (newer lines); 5m + 1h is the cache-write total. */
      cache_creation: z
        .object({ ephemeral_5m_input_tokens: count.optional(), ephemeral_1h_input_tokens: count.optional() })
        .optional(),
      /** Generated tokens, thinking included. */
      output_tokens: count,
      /** Server-tool requests (`web_search_requests`, `web_fetch_requests`…), billed per use. Read leniently:
       * anything but whole counts is ignored, never a bad line (the bulk reader does the same). */
      server_tool_use: z.unknown().optional(),
      /** `standard`, `priority`, `batch`: the price depends on it. Ignored unless a string. */
      service_tier: z.unknown().optional(),
      /** Fast mode (`fast`) is priced apart. Ignored unless a string. */
      speed: z.unknown().optional(),
    }),
  }),
});

export type AssistantLine = z.infer<typeof assistantLineSchema>;
