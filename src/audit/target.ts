import { MileageError } from '../domain/errors.js';
import type { RequestFormat } from './dataset.js';

/**
 * A model an audit replays cases on, and how to reach it: which API, at which base URL, with the key from which
 * environment variable. Written on the command line as `[api:]model[@base-url]`:
 *   claude-haiku-4-5                      Anthropic Messages (claude-* models)
 *   gpt-5-mini                            OpenAI Chat Completions (other models)
 *   openai-responses:gpt-5-mini           OpenAI Responses
 *   openai-chat:llama-3.1-8b@http://127.0.0.1:8000/v1   an OpenAI-compatible endpoint
 * Keys come from ANTHROPIC_API_KEY / OPENAI_API_KEY (or MILEAGE_AUDIT_KEY_ENV naming another variable); base
 * URLs from ANTHROPIC_BASE_URL / OPENAI_BASE_URL unless written in the target. Keys are never logged or stored.
 */
export interface Target {
  /** As written, normalised: the id results are keyed by. */
  id: string;
  api: RequestFormat;
  model: string;
  /** The provider the price catalog knows the model under; null for an unknown compatible endpoint. */
  provider: string | null;
  /** Base URL written in the target, or null for the provider's (from the environment or its default). */
  baseUrl: string | null;
}

const API_PREFIXES: Record<string, RequestFormat> = {
  anthropic: 'anthropic-messages',
  'anthropic-messages': 'anthropic-messages',
  openai: 'openai-chat',
  'openai-chat': 'openai-chat',
  'openai-responses': 'openai-responses',
};

export function parseTarget(spec: string): Target {
  const trimmed = spec.trim();
  const at = trimmed.search(/@https?:\/\//);
  const head = at >= 0 ? trimmed.slice(0, at) : trimmed;
  const baseUrl = at >= 0 ? trimmed.slice(at + 1).replace(/\/+$/, '') : null;
  const colon = head.indexOf(':');
  const prefix = colon >= 0 ? head.slice(0, colon) : null;
  const model = colon >= 0 ? head.slice(colon + 1) : head;
  if (model === '' || /\s/.test(model))
    throw new MileageError(
      'usage',
      `"${spec}" is not a model target`,
      'Write [api:]model[@base-url], e.g. claude-haiku-4-5.',
    );
  let api: RequestFormat;
  if (prefix !== null) {
    const known = API_PREFIXES[prefix];
    if (!known)
      throw new MileageError(
        'usage',
        `unknown API "${prefix}" in "${spec}"`,
        `Use one of: ${Object.keys(API_PREFIXES).join(', ')}.`,
      );
    api = known;
  } else api = model.startsWith('claude') ? 'anthropic-messages' : 'openai-chat';
  const provider = api === 'anthropic-messages' ? 'anthropic' : baseUrl === null ? 'openai' : null;
  return { id: `${api}:${model}${baseUrl ? `@${baseUrl}` : ''}`, api, model, provider, baseUrl };
}

const DEFAULT_BASE = { anthropic: 'https://api.anthropic.com', openai: 'https://api.openai.com/v1' } as const;

export interface Endpoint {
  url: string;
  headers: Record<string, string>;
}

/** Where to send a request for this target, with its key from the environment (an error names the variable). */
export function endpointFor(target: Target, env: NodeJS.ProcessEnv): Endpoint {
  const family = target.api === 'anthropic-messages' ? 'anthropic' : 'openai';
  const keyVar = family === 'anthropic' ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY';
  const key = env[keyVar];
  const base = (
    target.baseUrl ??
    env[family === 'anthropic' ? 'ANTHROPIC_BASE_URL' : 'OPENAI_BASE_URL'] ??
    DEFAULT_BASE[family]
  ).replace(/\/+$/, '');
  // A compatible endpoint on this machine often needs no key; the providers' own APIs always do.
  if (!key && target.baseUrl === null)
    throw new MileageError('config', `no API key for ${target.id}`, `Set ${keyVar} in the environment.`);
  if (family === 'anthropic')
    return {
      url: `${base}/v1/messages`.replace(/\/v1\/v1\//, '/v1/'),
      headers: {
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
        ...(key ? { 'x-api-key': key } : {}),
      },
    };
  return {
    url: `${base}/${target.api === 'openai-responses' ? 'responses' : 'chat/completions'}`,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
  };
}
