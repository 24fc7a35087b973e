import type { Api } from './meter.js';

export type Provider = 'anthropic' | 'openai' | 'azure';

/** A provider the gateway forwards to: its base URL and the credential it holds for the organisation. */
export interface Upstream {
  provider: Provider;
  base: URL;
  /** Never logged, never stored; null when the environment gives none (requests then get a clear 503). */
  credential: string | null;
  /**
   * The billing stream its records belong to (`anthropic:acme:default`, the stream the provider's usage and
   * cost reports name): the ledger then takes the provider's bill as the total and the gateway's records as
   * its attribution. Null: the records form a stream of their own.
   */
  stream?: string | null | undefined;
  /** Azure only: the `api-version` sent when the client names none (the v1 paths need none). */
  apiVersion?: string | null;
}

export type Upstreams = Record<'anthropic' | 'openai', Upstream> & { azure?: Upstream | undefined };

/** The environment variables of each upstream, for messages. */
export const CREDENTIAL_ENV: Record<Provider, string> = {
  anthropic: 'ANTHROPIC_API_KEY',
  openai: 'OPENAI_API_KEY',
  azure: 'AZURE_OPENAI_API_KEY (and MILEAGE_GATEWAY_AZURE_URL)',
};

/**
 * The upstreams from the environment: ANTHROPIC_API_KEY and OPENAI_API_KEY (the organisation's provider
 * keys, held only by the gateway), and the base URLs, which default to the providers' own and can name any
 * compatible server (a local model server, a test's mock): MILEAGE_GATEWAY_ANTHROPIC_URL and
 * MILEAGE_GATEWAY_OPENAI_URL. The OpenAI base includes its `/v1`, as OPENAI_BASE_URL does. Azure OpenAI is
 * a third upstream, on when MILEAGE_GATEWAY_AZURE_URL names the resource (`https://acme.openai.azure.com`),
 * with AZURE_OPENAI_API_KEY. MILEAGE_GATEWAY_<ANTHROPIC|OPENAI|AZURE>_STREAM names each one's billing stream.
 */
export function upstreamsFromEnv(env: NodeJS.ProcessEnv): Upstreams {
  const azureUrl = env.MILEAGE_GATEWAY_AZURE_URL;
  return {
    anthropic: {
      provider: 'anthropic',
      base: new URL(env.MILEAGE_GATEWAY_ANTHROPIC_URL || 'https://api.anthropic.com'),
      credential: env.ANTHROPIC_API_KEY || null,
      stream: env.MILEAGE_GATEWAY_ANTHROPIC_STREAM || null,
    },
    openai: {
      provider: 'openai',
      base: new URL(env.MILEAGE_GATEWAY_OPENAI_URL || 'https://api.openai.com/v1'),
      credential: env.OPENAI_API_KEY || null,
      stream: env.MILEAGE_GATEWAY_OPENAI_STREAM || null,
    },
    azure: azureUrl
      ? {
          provider: 'azure',
          base: new URL(azureUrl),
          credential: env.AZURE_OPENAI_API_KEY || null,
          stream: env.MILEAGE_GATEWAY_AZURE_STREAM || null,
          apiVersion: env.MILEAGE_GATEWAY_AZURE_API_VERSION || null,
        }
      : undefined,
  };
}

/** A path the gateway serves: which provider, which API (for metering and error shapes), whether it is billed. */
export interface Route {
  provider: Provider;
  api: Api;
  /** count_tokens is free: passed through, never a usage record. */
  metered: boolean;
  /** Azure's deployment named in the path (`/openai/deployments/{deployment}/…`): the model a key may call. */
  deployment?: string | undefined;
}

const ROUTES: Record<string, Route> = {
  '/v1/messages': { provider: 'anthropic', api: 'anthropic-messages', metered: true },
  '/v1/messages/count_tokens': { provider: 'anthropic', api: 'anthropic-messages', metered: false },
  '/v1/chat/completions': { provider: 'openai', api: 'openai-chat', metered: true },
  '/v1/responses': { provider: 'openai', api: 'openai-responses', metered: true },
  // Azure OpenAI: the v1 API and the Responses API at the resource level, which name the model in the body.
  '/openai/v1/chat/completions': { provider: 'azure', api: 'openai-chat', metered: true },
  '/openai/v1/responses': { provider: 'azure', api: 'openai-responses', metered: true },
  '/openai/responses': { provider: 'azure', api: 'openai-responses', metered: true },
};

/** Azure's deployment paths, as the `AzureOpenAI` clients build them. */
const AZURE_DEPLOYMENT = /^\/openai\/deployments\/([^/]{1,200})\/(chat\/completions|responses)$/;

export function routeOf(path: string): Route | null {
  const fixed = ROUTES[path];
  if (fixed) return fixed;
  if (!path.startsWith('/openai/deployments/')) return null;
  const m = AZURE_DEPLOYMENT.exec(path);
  if (!m?.[1]) return null;
  let deployment: string;
  try {
    deployment = decodeURIComponent(m[1]);
  } catch {
    return null;
  }
  const api: Api = m[2] === 'responses' ? 'openai-responses' : 'openai-chat';
  return { provider: 'azure', api, metered: true, deployment };
}

/**
 * The upstream path of a client path: Anthropic's base takes it whole, OpenAI's base already ends in /v1,
 * Azure's resource takes the client's `/openai/…` path whole, with the configured `api-version` added when
 * the client sent none (the `/openai/v1/` paths take none).
 */
export function upstreamPath(up: Upstream, path: string, query: string): string {
  const base = up.base.pathname.replace(/\/+$/, '');
  if (up.provider === 'azure') {
    const needsVersion = up.apiVersion && !path.startsWith('/openai/v1/') && !/[?&]api-version=/.test(query);
    const q = needsVersion
      ? `${query}${query ? '&' : '?'}api-version=${encodeURIComponent(up.apiVersion ?? '')}`
      : query;
    return `${base}${path}${q}`;
  }
  const rest = up.provider === 'openai' ? path.replace(/^\/v1/, '') : path;
  return `${base}${rest}${query}`;
}

/** How the provider expects its credential. */
export function credentialHeader(up: Upstream): [string, string] {
  switch (up.provider) {
    case 'anthropic':
      return ['x-api-key', up.credential ?? ''];
    case 'openai':
      return ['authorization', `Bearer ${up.credential ?? ''}`];
    case 'azure':
      return ['api-key', up.credential ?? ''];
    default:
      return up.provider satisfies never;
  }
}
