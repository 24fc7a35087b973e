import type { z } from 'zod';
import { ok, type Result } from '../domain/result.js';
import type { OrgFileIssue, SourceConfig } from '../org/index.js';
import {
  httpOptions,
  initialSince,
  overlapMs,
  validateSource,
  type baseFields,
  type ConnectorDeps,
} from './config.js';
import { HttpClient, type HttpClientOptions } from './http/client.js';
import { readSecret } from './http/secrets.js';
import type { Connector, SyncFrom, SyncPage } from './sync/connector.js';

/** The settings every API connector shares (config.ts baseFields), as validated. */
export type BaseSettings = { [K in keyof typeof baseFields]?: z.infer<(typeof baseFields)[K]> };

/** How a connector sends its secret: the header, and how the secret shows in it. */
export interface SecretAuth {
  header: string;
  value: string;
  /** Other forms of the secret to scrub from errors (the raw key inside a Basic header). */
  secrets?: string[];
  /** Where the secret comes from, for authentication errors. */
  hint: string;
}

/** What a connector's lister receives once settings, secret and client are set up. */
export interface ConnectorContext<S> {
  settings: S;
  /** The secret read from the variable the settings name (a token, or a database connection string). */
  secret: string;
  source: SourceConfig;
  deps: ConnectorDeps;
  http: HttpClient;
}

export interface ConnectorDefinition<S extends BaseSettings> {
  type: string;
  schema: z.ZodType<S>;
  /** Default of `overlap_minutes`: how far before the last watermark the next run re-reads. */
  overlapMinutes: number;
  /**
   * The setting naming the secret's environment variable (default `token_env`); a connector that reads a
   * database names `connection_env`; null when the settings read saved files and no secret is needed.
   */
  secretField?: (settings: S) => 'token_env' | 'connection_env' | null;
  /** The header carrying the secret; null when the secret is not sent over HTTP (a database connection). */
  auth: (secret: string, settings: S) => SecretAuth | null;
  /** Other client options (rate limits reported in bodies, fixed headers). */
  client?: (settings: S) => Omit<HttpClientOptions, 'auth' | 'secrets' | 'authHint'>;
  /** The connector's own listing, given the set-up context. */
  pages: (ctx: ConnectorContext<S>) => (from: SyncFrom, signal?: AbortSignal) => AsyncIterable<SyncPage>;
}

/**
 * The setup every API connector repeats, once: validate the `sources:` entry (issues with file lines), read
 * the secret from the environment variable it names, build the one HTTP client with the shared retry
 * settings, and fill in the Connector contract around the connector's own listing.
 */
export function defineConnector<S extends BaseSettings>(def: ConnectorDefinition<S>) {
  return (source: SourceConfig, deps: ConnectorDeps): Result<Connector, OrgFileIssue[]> => {
    const v = validateSource(def.schema, source);
    if (!v.ok) return v;
    const settings = v.value;
    const secretField = def.secretField ? def.secretField(settings) : 'token_env';
    const variable = secretField === null ? null : (settings as Record<string, unknown>)[secretField];
    const secret =
      secretField === null
        ? ''
        : readSecret(deps.env, typeof variable === 'string' ? variable : '', source.name, secretField);
    const auth = secretField === null ? null : def.auth(secret, settings);
    const http = new HttpClient({
      ...httpOptions(settings, deps),
      ...def.client?.(settings),
      ...(auth ? { auth: { header: auth.header, value: auth.value }, authHint: auth.hint } : {}),
      secrets: [...(secret ? [secret] : []), ...(auth?.secrets ?? [])],
    });
    return ok({
      name: source.name,
      type: def.type,
      initialSince: initialSince(settings, deps.now()),
      overlapMs: overlapMs(settings, def.overlapMinutes),
      stats: http.stats,
      pages: def.pages({ settings, secret, source, deps, http }),
    });
  };
}
