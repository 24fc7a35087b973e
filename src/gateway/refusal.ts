import type { Refusal } from './key-book.js';
import type { Api } from './meter.js';

/** A refusal's HTTP status and message; the body is in the shape of the provider the client speaks to. */
function described(r: Refusal): { status: number; message: string } {
  switch (r.kind) {
    case 'no_key':
      return { status: 401, message: 'missing API key: send a Mileage gateway key (sk-mlg-…)' };
    case 'unknown_key':
      return { status: 401, message: 'invalid or revoked Mileage gateway key' };
    case 'expired':
      return { status: 401, message: `this Mileage gateway key expired at ${r.at}` };
    case 'model_not_allowed':
      return {
        status: 403,
        message: `this Mileage gateway key may not use model ${r.model ?? '(none given)'}; allowed: ${r.allowed.join(', ')}`,
      };
    case 'capped':
      return {
        status: 429,
        message: `this sandbox key reached its monthly cap of $${r.capUsd} (Mileage gateway); ask for a larger cap or wait for next month`,
      };
    default:
      return r satisfies never;
  }
}

/** The error type word each provider uses for a status. */
function anthropicType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/**
 * An error answered by the gateway itself, in the shape the client's SDK parses: Anthropic's
 * `{type:"error", error:{type, message}}` or OpenAI's `{error:{message, type, code}}`.
 */
export function errorBody(api: Api | null, status: number, message: string): string {
  if (api === 'anthropic-messages')
    return JSON.stringify({ type: 'error', error: { type: anthropicType(status), message } });
  const code = status === 401 ? 'invalid_api_key' : status === 403 ? 'model_not_allowed' : null;
  const type = status >= 500 ? 'server_error' : 'invalid_request_error';
  return JSON.stringify({ error: { message, type, param: null, code } });
}

export function refusalAnswer(api: Api, r: Refusal): { status: number; body: string } {
  const { status, message } = described(r);
  if (r.kind !== 'capped') return { status, body: errorBody(api, status, message) };
  // A spent allowance in each provider's own words: Anthropic's low-balance 400, OpenAI's insufficient_quota 429.
  if (api === 'anthropic-messages')
    return {
      status: 400,
      body: JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message } }),
    };
  const error = { message, type: 'insufficient_quota', param: null, code: 'insufficient_quota' };
  return { status, body: JSON.stringify({ error }) };
}
