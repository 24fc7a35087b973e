import { defineConnector } from '../base.js';
import { apiRoot } from '../config.js';
import { apiPages } from './api.js';
import { postgresPages } from './postgres.js';
import { litellmSettingsSchema } from './settings.js';

/**
 * `mileage sync` for a LiteLLM proxy (`type: litellm`): its per-request spend logs, from its database
 * (`connection_env`, the default) or its spend API (`token_env` and `base_url`).
 */
export const createLitellmConnector = defineConnector({
  type: 'litellm',
  schema: litellmSettingsSchema,
  // LiteLLM writes spend logs in batches: re-read the hour before the last watermark.
  overlapMinutes: 60,
  secretField: (s) => (s.mode === 'postgres' ? 'connection_env' : 'token_env'),
  // The database mode sends nothing over HTTP: its secret is the connection string.
  auth: (key, s) =>
    s.mode === 'postgres'
      ? null
      : { header: 'authorization', value: `Bearer ${key}`, hint: `the admin key in $${s.token_env ?? ''}` },
  pages: ({ settings: s, secret, source, deps, http }) => {
    const ctx = { name: source.name, streams: s.streams ?? {}, workflowTagPrefix: s.workflow_tag_prefix };
    return s.mode === 'postgres'
      ? (from, signal) => postgresPages(secret, ctx, s.page_size, http.stats, from, signal)
      : apiPages(http, apiRoot(s.base_url ?? ''), ctx, deps.now);
  },
});
