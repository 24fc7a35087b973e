import type { Result } from '../../domain/result.js';
import type { OrgFileIssue, SourceConfig } from '../../org/index.js';
import {
  apiRoot,
  httpOptions,
  initialSince,
  overlapMs,
  validateSource,
  type ConnectorDeps,
} from '../config.js';
import { HttpClient, type HttpStats } from '../http/client.js';
import { readSecret } from '../http/secrets.js';
import type { Connector, SyncFrom, SyncPage } from '../sync/connector.js';
import { apiPages } from './api.js';
import { postgresPages } from './postgres.js';
import { litellmSettingsSchema } from './settings.js';

/** LiteLLM writes spend logs in batches: re-read the hour before the last watermark. */
const DEFAULT_OVERLAP_MINUTES = 60;

/** `mileage sync` for a LiteLLM proxy: its per-request spend logs, from its database or its spend API. */
export function createLitellmConnector(
  source: SourceConfig,
  deps: ConnectorDeps,
): Result<Connector, OrgFileIssue[]> {
  const v = validateSource(litellmSettingsSchema, source);
  if (!v.ok) return v;
  const s = v.value;
  const ctx = {
    name: source.name,
    streams: s.streams ?? {},
    workflowTagPrefix: s.workflow_tag_prefix,
  };
  const base = {
    name: source.name,
    type: 'litellm',
    initialSince: initialSince(s, deps.now()),
    overlapMs: overlapMs(s, DEFAULT_OVERLAP_MINUTES),
  };
  if (s.mode === 'postgres') {
    const variable = s.connection_env ?? '';
    const stats: HttpStats = { requests: 0, retries: 0, waitedMs: 0 };
    return {
      ok: true,
      value: {
        ...base,
        stats,
        pages(from: SyncFrom, signal?: AbortSignal): AsyncIterable<SyncPage> {
          // Read when the sync starts, not when mileage.yaml is checked: the secret lives for the run only.
          const url = readSecret(deps.env, variable, source.name, 'connection_env');
          return postgresPages(url, ctx, s.page_size, stats, from, signal);
        },
      },
    };
  }
  const key = readSecret(deps.env, s.token_env ?? '', source.name, 'token_env');
  const http = new HttpClient({
    ...httpOptions(s, deps),
    auth: { header: 'authorization', value: `Bearer ${key}` },
    secrets: [key],
    authHint: `the admin key in $${s.token_env ?? ''}`,
  });
  const root = apiRoot(s.base_url ?? '');
  return {
    ok: true,
    value: {
      ...base,
      stats: http.stats,
      pages: (from, signal) => apiPages(http, root, ctx, deps.now, from, signal),
    },
  };
}
