import { z } from 'zod';

/** A token count as the extensions write it: a whole number, never negative. */
const count = z.number().int('expected a whole number of tokens').nonnegative('negative token count');
/** Dollars as the extension computed them (a float in the file; converted to a decimal from its text). */
const dollars = z.number().nonnegative('negative cost').finite();

/**
 * One message of `ui_messages.json` that the parser reads: `say: "api_req_started"`. Its `text` is itself JSON
 * (apiReqInfoSchema). `ts` (epoch ms) is when the request started and is unique within a task: with the task
 * id it names the request. Cline ≥ 3.3x adds `modelInfo` (the provider and model the request went to); Roo
 * Code and Kilo Code do not.
 */
export const apiReqMessageSchema = z.object({
  ts: z.number().int().positive('expected a timestamp in epoch milliseconds'),
  type: z.literal('say'),
  say: z.literal('api_req_started'),
  text: z.string().nullish(),
  modelInfo: z
    .object({ providerId: z.string().min(1).optional(), modelId: z.string().min(1).optional() })
    .partial()
    .nullish()
    .catch(null),
});

export type ApiReqMessage = z.infer<typeof apiReqMessageSchema>;

/**
 * The usage an `api_req_started` message's text carries once the answer's usage arrived (before that it
 * holds only `request`, the prompt text, which is never kept). Meanings, from the extensions' sources:
 * - Cline: `tokensIn` is uncached input (each provider handler reports it so: Anthropic's `input_tokens`,
 *   OpenAI-style prompts minus their cached part, DeepSeek's prompt minus hits and misses), with
 *   `cacheWrites` and `cacheReads` beside it.
 * - Roo Code and Kilo Code name the wire format in `apiProtocol`. `openai`: `tokensIn` is the whole prompt,
 *   cache reads and writes included. `anthropic`: builds before Roo's ApiCostResult change wrote Anthropic's
 *   uncached `input_tokens`; later builds write the whole prompt (uncached + writes + reads).
 * - `cost`: the extension's own dollars (its model table, or the router's reported cost); 0 when it had no
 *   price, so 0 with tokens is not taken as a price.
 * - `cancelReason` / `streamingFailedMessage`: the request was cut off or failed; its usage, if any, is kept.
 * - `usageMissing` (Kilo Code): the provider reported no usage for the request.
 */
export const apiReqInfoSchema = z.object({
  tokensIn: count.optional(),
  tokensOut: count.optional(),
  cacheWrites: count.nullish(),
  cacheReads: count.nullish(),
  cost: dollars.nullish(),
  apiProtocol: z.string().optional().catch(undefined),
  cancelReason: z.string().nullish().catch(null),
  usageMissing: z.boolean().optional().catch(undefined),
});

export type ApiReqInfo = z.infer<typeof apiReqInfoSchema>;

/**
 * One task of `state/taskHistory.json` (Cline's HistoryItem): the task's totals, as the task list shows them.
 * `task` (the first prompt) is never read. `cwdOnTaskInitialization` (Cline) or `workspace` (Roo Code) is
 * the folder the task ran in; `modelId` (recent Cline) the model it last used.
 */
export const historyItemSchema = z.object({
  id: z.string().min(1),
  ts: z.number().int().positive('expected a timestamp in epoch milliseconds'),
  tokensIn: count.default(0),
  tokensOut: count.default(0),
  cacheWrites: count.nullish(),
  cacheReads: count.nullish(),
  totalCost: dollars.nullish(),
  cwdOnTaskInitialization: z.string().min(1).optional().catch(undefined),
  workspace: z.string().min(1).optional().catch(undefined),
  modelId: z.string().min(1).optional().catch(undefined),
});

export type HistoryItem = z.infer<typeof historyItemSchema>;

/**
 * `tasks/<task id>/task_metadata.json` (Cline ≥ 3.1x): `model_usage` lists each model the task switched to, with
 * the time (`ts`, epoch ms) and provider. Older Cline tasks' requests name no model in ui_messages.json; the
 * entry in force at a request's `ts` names it. `files_in_context` (file paths) is never read.
 */
export const modelUsageSchema = z.object({
  ts: z.number().int().positive(),
  model_id: z.string().min(1),
  model_provider_id: z.string().min(1).optional().catch(undefined),
});

export type ModelUsage = z.infer<typeof modelUsageSchema>;
