/**
 * When to retry a request and how long to wait first: pure, so every rule is tested without a server.
 *
 * - 429: the server's Retry-After (seconds or an HTTP date), else rate-limit headers, else backoff.
 * - 403 is a permission error unless it carries rate-limit signals: GitHub's secondary rate limits answer
 *   403 (or 429) with `retry-after`, or with `x-ratelimit-remaining: 0` and `x-ratelimit-reset` (epoch
 *   seconds), or with only a "secondary rate limit" message, for which GitHub asks for at least a minute.
 * - 5xx (except 501) and network errors: exponential backoff with jitter, or Retry-After when given.
 */
export interface RetryTuning {
  /** First backoff step; doubled per attempt. */
  baseDelayMs: number;
  /** Longest backoff step (server-given waits are capped by maxWaitMs instead). */
  maxDelayMs: number;
  /** 0 ≤ random() < 1, for jitter; injectable for tests. */
  random: () => number;
}

export type RetryReason = 'rate_limit' | 'server_error' | 'network';

export type RetryDecision =
  { retry: false } | { retry: true; reason: RetryReason; waitMs: number; serverAsked: boolean };

/** What a rate-limited answer without any timing header waits: GitHub asks for one minute at least. */
export const RATE_LIMIT_FALLBACK_MS = 60_000;

type HeaderGetter = { get(name: string): string | null };

/** Retry-After as milliseconds from now: `120` or `Wed, 01 Jul 2026 10:00:00 GMT`; null when absent or bad. */
export function retryAfterMs(value: string | null, now: number): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at) || !/[a-z]/i.test(v)) return null;
  return Math.max(0, at - now);
}

/** GitHub-style `x-ratelimit-remaining: 0` + `x-ratelimit-reset: <epoch seconds>`: ms until the reset. */
export function rateLimitResetMs(headers: HeaderGetter, now: number): number | null {
  if (headers.get('x-ratelimit-remaining')?.trim() !== '0') return null;
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (!Number.isFinite(reset) || reset <= 0) return null;
  // One extra second: the reset instant is rounded down to the second.
  return Math.max(0, reset * 1000 - now) + 1000;
}

/** Exponential backoff with "equal jitter": half the step fixed, half random, so waits never collapse to 0. */
export function backoffMs(attempt: number, t: RetryTuning): number {
  const step = Math.min(t.maxDelayMs, t.baseDelayMs * 2 ** attempt);
  return Math.round(step / 2 + t.random() * (step / 2));
}

/** The retry decision for an HTTP answer; `bodyText` is read only for 403s (the rate-limit message). */
export function decideForStatus(
  status: number,
  headers: HeaderGetter,
  attempt: number,
  now: number,
  t: RetryTuning,
  bodyText = '',
): RetryDecision {
  const asked = retryAfterMs(headers.get('retry-after'), now) ?? rateLimitResetMs(headers, now);
  if (status === 429 || status === 403) {
    if (asked !== null) return { retry: true, reason: 'rate_limit', waitMs: asked, serverAsked: true };
    if (status === 429)
      return { retry: true, reason: 'rate_limit', waitMs: backoffMs(attempt, t), serverAsked: false };
    if (/rate limit/i.test(bodyText)) {
      const waitMs = Math.max(RATE_LIMIT_FALLBACK_MS, backoffMs(attempt, t));
      return { retry: true, reason: 'rate_limit', waitMs, serverAsked: false };
    }
    return { retry: false };
  }
  if (status >= 500 && status !== 501) {
    return asked !== null
      ? { retry: true, reason: 'server_error', waitMs: asked, serverAsked: true }
      : { retry: true, reason: 'server_error', waitMs: backoffMs(attempt, t), serverAsked: false };
  }
  return { retry: false };
}

export function decideForNetworkError(
  attempt: number,
  t: RetryTuning,
): Extract<RetryDecision, { retry: true }> {
  return { retry: true, reason: 'network', waitMs: backoffMs(attempt, t), serverAsked: false };
}
