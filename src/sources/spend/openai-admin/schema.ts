import { z } from 'zod';

const count = z.number().int('expected a whole number of tokens').nonnegative('negative token count');
/** A dimension: null unless the report was grouped by it (reference §5.1). */
const dimension = z.string().nullable().optional();

/** One result of GET /organization/usage/completions (reference §5.1). */
export const completionsResultSchema = z.object({
  /** ALL input: cached and cache-write tokens included (OpenAI's meaning, not Mileage's). */
  input_tokens: count,
  /** The cached part of input_tokens. */
  input_cached_tokens: count.default(0),
  /** The cache-write part of input_tokens (2026-07 spec; older answers lack it). */
  input_cache_write_tokens: count.optional(),
  /** input_tokens less cached and cache-write (2026-07 spec): used when present. */
  input_uncached_tokens: count.optional(),
  /** Text part of input (2026-07 spec): its presence says input_tokens counts audio and images too. */
  input_text_tokens: count.optional(),
  /** Audio input: inside input_tokens in 2026-07 answers, beside it in older ones (see fromOpenAiUsage). */
  input_audio_tokens: count.optional(),
  /** All generated tokens, reasoning included. */
  output_tokens: count,
  output_text_tokens: count.optional(),
  /** Audio output, priced apart from text. */
  output_audio_tokens: count.optional(),
  num_model_requests: count,
  /** The billing stream within the organisation: usage and costs of a project reconcile. */
  project_id: dimension,
  /** The person (an OpenAI user id, an `account_ids` alias in mileage.yaml). */
  user_id: dimension,
  /** Key → owner, team and workflow through mileage.yaml. */
  api_key_id: dimension,
  model: dimension,
  /** Batch and service tiers are priced differently: part of the row's identity when grouped. */
  batch: z.boolean().nullable().optional(),
  service_tier: dimension,
});

/** One result of GET /organization/costs (reference §5.2). */
export const costsResultSchema = z.object({
  /** DOLLARS as a JSON number; read through its shortest decimal text, never summed as a float. */
  amount: z.object({
    value: z.number({ error: 'expected the amount in dollars' }),
    currency: z.literal('usd', 'expected currency usd'),
  }),
  /** The cost line ("gpt-4.1-mini, input"): part of the row's identity. */
  line_item: dimension,
  project_id: dimension,
  api_key_id: dimension,
});

/** A time bucket in unix seconds, end exclusive; results validated one by one. */
export const bucketSchema = z
  .object({
    start_time: z.number().int().nonnegative(),
    end_time: z.number().int().nonnegative(),
    results: z.array(z.unknown()),
  })
  .refine((b) => b.end_time > b.start_time, {
    message: 'end_time is not after start_time',
    path: ['end_time'],
  });

export const pageSchema = z.object({ data: z.array(z.unknown()) });
