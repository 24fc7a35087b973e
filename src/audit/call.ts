import type { IncomingHttpHeaders } from 'node:http';
import type { RequestFormat } from './dataset.js';
import { header, postJson } from './http-post.js';
import { MalformedResponse, parseResponse, parseStream, type ProviderAnswer } from './providers/responses.js';
import type { Endpoint } from './target.js';

export interface RetryPolicy {
  attempts: number;
  /** First backoff; doubles per attempt, with jitter, capped at `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  timeoutMs: 120_000,
};

export type CallResult =
  | { ok: true; answer: ProviderAnswer; latencyMs: number; attempts: number }
  | { ok: false; error: string; retryable: boolean; attempts: number };

/** Retry-After in seconds or as an HTTP date, or OpenAI's retry-after-ms; null when absent or unreadable. */
export function retryAfterMs(headers: IncomingHttpHeaders, now = Date.now()): number | null {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== null && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const v = header(headers, 'retry-after');
  if (v === null) return null;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * One request to a provider, with retries: 429 waits what Retry-After says, 5xx, network errors and malformed
 * bodies back off exponentially; other 4xx are the request's fault and are not retried. Latency is the
 * successful attempt's, start of request to end of body.
 */
export async function callProvider(
  endpoint: Endpoint,
  api: RequestFormat,
  body: Record<string, unknown>,
  stream: boolean,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<CallResult> {
  const payload = stream
    ? { ...body, stream: true, ...(api === 'openai-chat' ? { stream_options: { include_usage: true } } : {}) }
    : body;
  let last = 'no attempt made';
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    const started = performance.now();
    let wait: number | null = null;
    try {
      const res = await postJson(endpoint.url, endpoint.headers, JSON.stringify(payload), policy.timeoutMs);
      const text = res.text;
      if (res.status >= 200 && res.status < 300) {
        const answer = stream ? parseStream(api, text) : parseResponse(api, text);
        return { ok: true, answer, latencyMs: performance.now() - started, attempts: attempt };
      }
      last = `HTTP ${res.status}`;
      if (res.status === 429) wait = retryAfterMs(res.headers);
      else if (res.status < 500 && res.status !== 408)
        return { ok: false, error: `${last}: ${text.slice(0, 200)}`, retryable: false, attempts: attempt };
    } catch (error) {
      last =
        error instanceof MalformedResponse
          ? `malformed response: ${error.message}`
          : `network: ${(error as Error).message}`;
    }
    if (attempt === policy.attempts) break;
    const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    await sleep(wait ?? backoff * (0.5 + Math.random() / 2));
  }
  return {
    ok: false,
    error: `${last} after ${policy.attempts} attempts`,
    retryable: true,
    attempts: policy.attempts,
  };
}
