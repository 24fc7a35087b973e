import { z } from 'zod';

const count = z.number().int('expected a whole number of tokens').nonnegative('negative token count');
/** Postgres returns timestamps as Date objects; the spend API as ISO text (with or without a zone). */
const instant = z.union([z.date(), z.string().min(1)]).transform((v, ctx) => {
  const d = v instanceof Date ? v : new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
  if (Number.isNaN(d.getTime())) {
    ctx.addIssue({ code: 'custom', message: `not a time: ${String(v)}` });
    return z.NEVER;
  }
  return d;
});
const optionalText = z.string().nullish();

/** The usage object LiteLLM keeps in metadata: the only place cache token counts live (reference §10.1). */
export const usageObjectSchema = z
  .object({
    cache_read_input_tokens: count.nullish(),
    cache_creation_input_tokens: count.nullish(),
    prompt_tokens_details: z
      .object({ cached_tokens: count.nullish(), audio_tokens: count.nullish() })
      .nullish(),
    completion_tokens_details: z
      .object({ reasoning_tokens: count.nullish(), audio_tokens: count.nullish() })
      .nullish(),
    /** Anthropic's server-tool counts, passed through for Claude models. */
    server_tool_use: z.unknown().optional(),
  })
  .loose();

/** One row of `LiteLLM_SpendLogs` (reference §10.1): one proxied request. Unused columns are ignored. */
export const spendLogSchema = z.object({
  /** The row's primary key: the record id, so a re-read row is stored once. */
  request_id: z.string().min(1, 'missing request_id'),
  /** acompletion, aembedding…: kept in the price reference. */
  call_type: optionalText,
  /** The hashed virtual key (never the secret): key → owner, team, workflow through mileage.yaml. */
  api_key: optionalText,
  /** USD computed by LiteLLM from its price map: a provider_reported estimate, 0 when it had no price. */
  spend: z.number({ error: 'expected spend in USD as a number' }).nonnegative('negative spend'),
  /** OpenAI's meaning: prompt tokens include cached ones (reduced by cache reads/writes on storage). */
  prompt_tokens: count.nullish(),
  completion_tokens: count.nullish(),
  total_tokens: count.nullish(),
  startTime: instant,
  endTime: instant.nullish(),
  /** The deployment's model (`anthropic/claude-sonnet-4-6` or bare). */
  model: optionalText,
  /** The public name callers asked for; used when model is empty. */
  model_group: optionalText,
  /** anthropic, openai, bedrock, vertex_ai, azure…: the provider priced against. */
  custom_llm_provider: optionalText,
  /** The internal user or end user id passed by the caller: the person. */
  user: optionalText,
  team_id: optionalText,
  end_user: optionalText,
  session_id: optionalText,
  /** Tags given at issuance (`metadata.tags`): one of them names the workflow. */
  request_tags: z.union([z.array(z.string()), z.string(), z.null()]).optional(),
  /** Key alias, team alias, usage object… (Postgres JSON, or its text). */
  metadata: z.union([z.record(z.string(), z.unknown()), z.string(), z.null()]).optional(),
  status: optionalText,
});

export type SpendLogRow = z.infer<typeof spendLogSchema>;
