import type { Api } from './meter.js';

export type Provider = 'anthropic' | 'openai';

/** A provider the gateway forwards to: its base URL and the credential it holds for the organisation. */
export interface Upstream {
  provider: Provider;
  base: URL;
  /** Never logged, never stored; null when the environment gives none (requests then get a clear 503). */
  credential: string | null;
}

export type Upstreams = Record<Provider, Upstream>;

/**
 * The upstreams from the environment: ANTHROPIC_API_KEY and OPENAI_API_KEY (the organisation's provider
 * keys, held only by the gateway), and the base URLs, which default to the providers' own and can name any
 * compatible server (Azure OpenAI, a local model server, a test's mock): MILEAGE_GATEWAY_ANTHROPIC_URL and
 * MILEAGE_GATEWAY_OPENAI_URL. The OpenAI base includes its `/v1`, as OPENAI_BASE_URL does.
 */
export function upstreamsFromEnv(env: NodeJS.ProcessEnv): Upstreams {
  return {
    anthropic: {
      provider: 'anthropic',
      base: new URL(env.MILEAGE_GATEWAY_ANTHROPIC_URL || 'https://api.anthropic.com'),
      credential: env.ANTHROPIC_API_KEY || null,
    },
    openai: {
      provider: 'openai',
      base: new URL(env.MILEAGE_GATEWAY_OPENAI_URL || 'https://api.openai.com/v1'),
      credential: env.OPENAI_API_KEY || null,
    },
  };
}

/** A path the gateway serves: which provider, which API (for metering and error shapes), whether it is billed. */
export interface Route {
  provider: Provider;
  api: Api;
  /** count_tokens is free: passed through, never a usage record. */
  metered: boolean;
}

const ROUTES: Record<string, Route> = {
  '/v1/messages': { provider: 'anthropic', api: 'anthropic-messages', metered: true },
  '/v1/messages/count_tokens': { provider: 'anthropic', api: 'anthropic-messages', metered: false },
  '/v1/chat/completions': { provider: 'openai', api: 'openai-chat', metered: true },
  '/v1/responses': { provider: 'openai', api: 'openai-responses', metered: true },
};

export function routeOf(path: string): Route | null {
  return ROUTES[path] ?? null;
}

/** The upstream path of a client path: Anthropic's base takes it whole, OpenAI's base already ends in /v1. */
export function upstreamPath(up: Upstream, path: string, query: string): string {
  const base = up.base.pathname.replace(/\/+$/, '');
  const rest = up.provider === 'openai' ? path.replace(/^\/v1/, '') : path;
  return `${base}${rest}${query}`;
}

/** How the provider expects its credential. */
export function credentialHeader(up: Upstream): [string, string] {
  return up.provider === 'anthropic'
    ? ['x-api-key', up.credential ?? '']
    : ['authorization', `Bearer ${up.credential ?? ''}`];
}
