import { z } from 'zod';

/** A token count: a whole number, never negative (a negative count is a corrupt line, not a refund). */
const count = z.number().int('expected a whole number of tokens').nonnegative('negative token count');

/**
 * Codex's `TokenUsage` (reference §1.2), OpenAI meaning: input_tokens includes the cached tokens and
 * output_tokens includes reasoning. The headless `codex exec --json` output and some proxies use the
 * Chat Completions names, accepted as aliases.
 */
export const usageSchema = z.object({
  /** All input, cached included. */
  input_tokens: count.optional(),
  prompt_tokens: count.optional(),
  /** The cached part of input (a subset), billed at the cache-read price. */
  cached_input_tokens: count.optional(),
  cached_tokens: count.optional(),
  /** The part of input written to the prompt cache (newer builds), billed at the cache-write price. */
  cache_write_input_tokens: count.optional(),
  /** All generated tokens, reasoning included. */
  output_tokens: count.optional(),
  completion_tokens: count.optional(),
  /** The reasoning part of output: informational, never added again. */
  reasoning_output_tokens: count.optional(),
  /** Kept only as a check; Mileage recomputes totals from the parts. */
  total_tokens: count.optional(),
});

export type RawUsage = z.infer<typeof usageSchema>;

/** Every rollout line: `{timestamp, type, payload}`. */
export const envelopeSchema = z.object({
  /** When Codex wrote the line (ISO-8601 UTC): the request's time for token_count lines. */
  timestamp: z.iso.datetime({ offset: true }),
  type: z.string(),
  payload: z.unknown(),
});

/** The first line of a rollout: who, where and with which build. */
export const sessionMetaSchema = z.object({
  /** The session (thread) id: half of every record id, and the join to Codex's OTel `conversation.id`. */
  id: z.string().min(1),
  /** Working directory: the repository is resolved from it at ingest. */
  cwd: z.string().optional(),
  /** Codex version: explains format changes between builds. */
  cli_version: z.string().optional(),
  /** The git state at session start, when Codex could read it: the branch joins the session to a PR. */
  git: z.object({ branch: z.string().nullish() }).nullish(),
  /** Set by `codex fork` (and Desktop branches): the file begins with a replay of that session's history. */
  forked_from_id: z.string().nullish(),
  /** `{subagent: {thread_spawn: {parent_thread_id…}}}` for spawned subagents, which may replay the parent too. */
  source: z.unknown().optional(),
});

export type SessionMeta = z.infer<typeof sessionMetaSchema>;

/** Written at the start of every turn: the model the turn's requests go to. */
export const turnContextSchema = z.object({
  model: z.string().min(1).optional(),
  /** The tier the turn's requests are served at (`fast` = OpenAI's priority processing, `flex`), when set. */
  service_tier: z.string().min(1).nullish().catch(undefined),
});

/** `event_msg` with `payload.type === "token_count"`. */
export const tokenCountSchema = z.object({
  type: z.literal('token_count'),
  /** null on rate-limit-only events. */
  info: z
    .object({
      /** Cumulative for the session; the way to see repeats (unchanged) and resets (lower). */
      total_token_usage: usageSchema.nullish(),
      /** The latest request's own usage. */
      last_token_usage: usageSchema.nullish(),
      /** The model that served the request (newer builds): more precise than the turn's turn_context. */
      model: z.string().min(1).nullish().catch(null),
      /** The tier the request was served at, when the event says (newer builds). */
      service_tier: z.string().min(1).nullish().catch(null),
    })
    .nullable(),
});

/** A `codex exec --json` line carrying usage (`turn.completed`); it has no timestamp of its own. */
export const headlessSchema = z.object({
  type: z.string().optional(),
  timestamp: z.iso.datetime({ offset: true }).optional(),
  created_at: z.iso.datetime({ offset: true }).optional(),
  model: z.string().min(1).optional(),
  usage: usageSchema,
});
