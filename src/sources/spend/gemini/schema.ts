import { z } from 'zod';

/** A token count: a whole number, never negative (a negative count is a corrupt record, not a refund). */
const count = z.number().int('expected a whole number of tokens').nonnegative('negative token count');

/**
 * `tokens` of a Gemini CLI message, copied from the API's `usageMetadata` by the CLI's
 * chatRecordingService (`recordMessageTokens`): input = promptTokenCount, output = candidatesTokenCount,
 * cached = cachedContentTokenCount, thoughts = thoughtsTokenCount, tool = toolUsePromptTokenCount,
 * total = totalTokenCount. The Gemini API documents promptTokenCount as the whole effective prompt,
 * cached content included, and totalTokenCount as prompt + candidates + tool-use prompt + thoughts.
 */
export const geminiTokensSchema = z.object({
  /** The whole prompt, cached part included. */
  input: count.default(0),
  /** Generated answer tokens, thoughts excluded. */
  output: count.default(0),
  /** The part of input served from the context cache (implicit or explicit caching). */
  cached: count.default(0),
  /** Thinking tokens: billed at the output price, but not inside `output`. */
  thoughts: count.default(0),
  /** Tokens of tool-use prompts (built-in tools' results fed back): billed as input, not inside `input`. */
  tool: count.default(0),
  /** Kept as a check only. */
  total: count.optional(),
});

export type GeminiTokens = z.infer<typeof geminiTokensSchema>;

/** A model turn (`type: "gemini"`). User, info and error messages carry no tokens and are not validated. */
export const geminiMessageSchema = z.object({
  /** Unique in the session (a UUID, or the history turn id): with the session id, the record id. */
  id: z.string().min(1),
  /** When the message was recorded (ISO-8601 UTC): the request's time. */
  timestamp: z.iso.datetime({ offset: true }),
  type: z.literal('gemini'),
  /** What is priced; absent on synthetic messages, which also have no tokens. */
  model: z.string().min(1).optional(),
  /** null until the response's usage arrives (it may never, e.g. a cancelled request). */
  tokens: geminiTokensSchema.nullish(),
});

export type GeminiMessage = z.infer<typeof geminiMessageSchema>;
