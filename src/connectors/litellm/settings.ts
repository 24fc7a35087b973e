import { z } from 'zod';
import { baseFields } from '../config.js';

/**
 * `sources.<name>` for LiteLLM (type: litellm). Two ways in:
 * - mode postgres (default): its spend logs read straight from its database; `connection_env` names the
 *   environment variable holding the connection string (postgres://user:password@host:5432/litellm);
 * - mode api: its spend API (`GET /spend/logs`), with `base_url` and the admin key in `token_env`.
 */
export const litellmSettingsSchema = z
  .strictObject({
    ...baseFields,
    token_env: baseFields.token_env.optional(),
    mode: z.enum(['postgres', 'api'], { error: 'expected postgres or api' }).default('postgres'),
    /** The environment variable with the database connection string (mode postgres). */
    connection_env: baseFields.token_env.optional(),
    /** Rows per page (mode postgres). */
    page_size: z
      .number({ error: 'expected a whole number from 1 to 50000' })
      .int('expected a whole number from 1 to 50000')
      .min(1, 'expected a whole number from 1 to 50000')
      .max(50_000, 'expected a whole number from 1 to 50000')
      .optional(),
    /**
     * Provider → billing stream, so that spend through the proxy reconciles with that provider's bill
     * (`anthropic: anthropic:acme:default`). Unlisted providers get `litellm:<name>:<provider>`.
     */
    streams: z.record(z.string(), z.string().min(1)).optional(),
    /** A request tag starting with this names the workflow; without one, the first tag does. */
    workflow_tag_prefix: z.string().min(1).default('workflow:'),
  })
  .superRefine((s, ctx) => {
    const need = (field: string, why: string) =>
      ctx.addIssue({ code: 'custom', path: [field], message: `missing: ${why}` });
    if (s.mode === 'postgres' && s.connection_env === undefined)
      need('connection_env', 'the environment variable holding the database connection string');
    if (s.mode === 'api') {
      if (s.token_env === undefined) need('token_env', 'the environment variable holding the admin key');
      if (s.base_url === undefined) need('base_url', 'the proxy URL, such as https://litellm.example.com');
    }
  });

export type LitellmSettings = z.infer<typeof litellmSettingsSchema>;
