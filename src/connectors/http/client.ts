import { MileageError } from '../../domain/errors.js';
import { systemClock, type Clock } from './clock.js';
import { describeEndpoint, scrub } from './redact.js';
import {
  backoffMs,
  decideForNetworkError,
  decideForStatus,
  rateLimitResetMs,
  retryAfterMs,
  type RetryDecision,
  type RetryReason,
  type RetryTuning,
} from './retry-policy.js';
import { MAX_DOCUMENT_DEPTH, parseJsonText } from '../../domain/json-depth.js';

/** A header carrying a secret: sent on every request, never logged, scrubbed from every error. */
export interface HttpAuth {
  header: string;
  value: string;
}

export interface RetryEvent {
  endpoint: string;
  reason: RetryReason;
  status: number | null;
  attempt: number;
  waitMs: number;
}

export interface HttpClientOptions {
  auth?: HttpAuth | undefined;
  /** Other values to scrub from errors (the raw token when the header holds a derived form). */
  secrets?: readonly string[];
  /** Headers without secrets (Accept, API versions). */
  headers?: Record<string, string>;
  clock?: Clock;
  fetch?: typeof globalThis.fetch;
  /** Retries per request after the first attempt. Default 6. */
  maxRetries?: number;
  /** The longest a request may spend waiting in total before it gives up. Default 15 minutes. */
  maxWaitMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
  /** Printed under authentication failures: where the secret comes from, e.g. "the token in $GITHUB_TOKEN". */
  authHint?: string;
  /** APIs that report rate limits inside a JSON body (GraphQL): true when this body says so. */
  rateLimitedBody?: (body: unknown) => boolean;
  onRetry?: (event: RetryEvent) => void;
  /**
   * The longest one attempt may take, from sending to the body's last byte. Default 60 s: a server that
   * accepts a request and never answers is a network error (retried, then reported), never a hung sync.
   */
  attemptTimeoutMs?: number;
}

export interface HttpRequest {
  method?: 'GET' | 'POST';
  url: URL;
  headers?: Record<string, string>;
  /** Sent as a JSON body. */
  json?: unknown;
  /** Sent as an HTML form body (OAuth token endpoints take no JSON). */
  form?: URLSearchParams;
  signal?: AbortSignal | undefined;
  /** Send no credentials: signed download links live on other hosts and must never see the token. */
  omitAuth?: boolean;
  /** Return the body as text, unparsed (NDJSON files). */
  raw?: boolean;
  /** Statuses that are answers, not failures (a 404 for "no report that day"): returned, never retried. */
  allowStatus?: readonly number[];
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface HttpStats {
  requests: number;
  retries: number;
  waitedMs: number;
}

type Retry = Extract<RetryDecision, { retry: true }>;

const DEFAULTS = {
  maxRetries: 6,
  maxWaitMs: 15 * 60_000,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  attemptTimeoutMs: 60_000,
};

/**
 * The one HTTP client every connector uses (Node's global fetch): JSON in and out, retries with backoff and
 * jitter on 5xx and network errors, rate limits honoured (Retry-After, GitHub's secondary limits, limits
 * reported in GraphQL bodies), caps on retries and total wait, and errors that name the endpoint but never
 * a secret, a query string or a header.
 */
export class HttpClient {
  readonly stats: HttpStats = { requests: 0, retries: 0, waitedMs: 0 };
  private readonly clock: Clock;
  private readonly fetchFn: typeof globalThis.fetch;
  private readonly tuning: RetryTuning;
  private readonly maxRetries: number;
  private readonly maxWaitMs: number;
  private readonly attemptTimeoutMs: number;
  private readonly secrets: readonly string[];

  constructor(private readonly options: HttpClientOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.maxRetries = options.maxRetries ?? DEFAULTS.maxRetries;
    this.maxWaitMs = options.maxWaitMs ?? DEFAULTS.maxWaitMs;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULTS.attemptTimeoutMs;
    this.tuning = {
      baseDelayMs: options.baseDelayMs ?? DEFAULTS.baseDelayMs,
      maxDelayMs: options.maxDelayMs ?? DEFAULTS.maxDelayMs,
      random: options.random ?? Math.random,
    };
    this.secrets = [...(options.auth ? [options.auth.value] : []), ...(options.secrets ?? [])];
  }

  getJson(url: URL, signal?: AbortSignal): Promise<JsonResponse> {
    return this.requestJson({ url, signal });
  }

  postJson(url: URL, json: unknown, signal?: AbortSignal): Promise<JsonResponse> {
    return this.requestJson({ method: 'POST', url, json, signal });
  }

  /** A text body (NDJSON), with the same retries; `omitAuth` for links that carry their own signature. */
  async getText(url: URL, opts: { signal?: AbortSignal | undefined; omitAuth?: boolean } = {}) {
    const res = await this.requestJson({ url, raw: true, ...opts });
    return { status: res.status, headers: res.headers, text: String(res.body) };
  }

  async requestJson(req: HttpRequest): Promise<JsonResponse> {
    const method = req.method ?? 'GET';
    const endpoint = describeEndpoint(method, req.url);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'mileage',
      ...this.options.headers,
      ...req.headers,
      ...(req.json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(req.form !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...(this.options.auth && !req.omitAuth ? { [this.options.auth.header]: this.options.auth.value } : {}),
    };
    const body = req.json !== undefined ? JSON.stringify(req.json) : req.form?.toString();
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      req.signal?.throwIfAborted();
      const outcome = await this.attempt(req, { method, headers, body, endpoint, attempt });
      if (outcome.done) return outcome.response;
      const { retry, status } = outcome;
      const what = status === null ? 'network error' : `HTTP ${status}`;
      if (attempt >= this.maxRetries) throw this.error(`${endpoint}: ${what} after ${attempt} retries`);
      if (waited + retry.waitMs > this.maxWaitMs) {
        throw this.error(
          `${endpoint}: ${what}; waiting ${Math.ceil(retry.waitMs / 1000)} s more would exceed the ${Math.round(this.maxWaitMs / 1000)} s allowed`,
          'Run the sync again later (it resumes where it stopped), or raise max_wait_seconds for this source.',
        );
      }
      this.options.onRetry?.({
        endpoint,
        reason: retry.reason,
        status,
        attempt: attempt + 1,
        waitMs: retry.waitMs,
      });
      this.stats.retries++;
      this.stats.waitedMs += retry.waitMs;
      waited += retry.waitMs;
      await this.clock.sleep(retry.waitMs, req.signal);
    }
  }

  /** One round trip: the response, or why and how long to wait before the next attempt. Throws when final. */
  private async attempt(
    req: HttpRequest,
    o: {
      method: string;
      headers: Record<string, string>;
      body: string | undefined;
      endpoint: string;
      attempt: number;
    },
  ): Promise<{ done: true; response: JsonResponse } | { done: false; retry: Retry; status: number | null }> {
    let res: Response;
    let text: string;
    const timeout = AbortSignal.timeout(this.attemptTimeoutMs);
    try {
      res = await this.fetchFn(req.url, {
        method: o.method,
        headers: o.headers,
        body: o.body,
        signal: req.signal ? AbortSignal.any([req.signal, timeout]) : timeout,
      });
      text = await res.text();
    } catch (error) {
      if (req.signal?.aborted) throw req.signal.reason;
      const reason = timeout.aborted
        ? `no answer within ${this.attemptTimeoutMs < 1000 ? `${this.attemptTimeoutMs} ms` : `${Math.round(this.attemptTimeoutMs / 1000)} s`}`
        : networkReason(error);
      if (o.attempt >= this.maxRetries)
        throw this.error(`${o.endpoint}: network error after ${o.attempt} retries (${reason})`);
      return { done: false, retry: decideForNetworkError(o.attempt, this.tuning), status: null };
    }
    this.stats.requests++;
    const parsed: ReturnType<typeof parseJson> = req.raw ? { ok: true, value: text } : parseJson(text);
    if (req.allowStatus?.includes(res.status)) {
      return {
        done: true,
        response: { status: res.status, headers: res.headers, body: parsed.ok ? parsed.value : null },
      };
    }
    const limited = !req.raw && parsed.ok && this.options.rateLimitedBody?.(parsed.value) === true;
    if (res.ok && !limited) {
      if (!parsed.ok) throw this.error(`${o.endpoint}: the response is not valid JSON (${parsed.reason})`);
      return { done: true, response: { status: res.status, headers: res.headers, body: parsed.value } };
    }
    const decision = limited
      ? this.bodyRateLimit(res.headers, o.attempt)
      : decideForStatus(res.status, res.headers, o.attempt, this.clock.now(), this.tuning, text);
    if (!decision.retry) throw this.statusError(o.endpoint, res, parsed.ok ? parsed.value : null);
    return { done: false, retry: decision, status: res.status };
  }

  /** A rate limit reported in a body: wait as the headers say, else back off for at least a minute. */
  private bodyRateLimit(headers: Headers, attempt: number): Retry {
    const now = this.clock.now();
    const asked = retryAfterMs(headers.get('retry-after'), now) ?? rateLimitResetMs(headers, now);
    return asked !== null
      ? { retry: true, reason: 'rate_limit', waitMs: asked, serverAsked: true }
      : {
          retry: true,
          reason: 'rate_limit',
          waitMs: Math.max(60_000, backoffMs(attempt, this.tuning)),
          serverAsked: false,
        };
  }

  private statusError(endpoint: string, res: Response, body: unknown): MileageError {
    const said = upstreamMessage(body);
    const auth = res.status === 401 || res.status === 403;
    return this.error(
      `${endpoint}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${said ? `: ${said}` : ''}`,
      auth ? `Check ${this.options.authHint ?? 'the token'} and its permissions.` : undefined,
    );
  }

  /** A text with every secret this client holds replaced, for errors raised by its callers. */
  scrub(text: string): string {
    return scrub(text, this.secrets);
  }

  private error(message: string, hint?: string): MileageError {
    return new MileageError('upstream', scrub(message, this.secrets), hint && scrub(hint, this.secrets));
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  const parsed = parseJsonText(text, MAX_DOCUMENT_DEPTH);
  if (parsed.ok) return parsed;
  if (text.trim() === '') return { ok: false, reason: 'empty body' };
  return {
    ok: false,
    reason: parsed.message.startsWith('not JSON')
      ? `${text.length} bytes that do not parse`
      : `${text.length} bytes: ${parsed.message}`,
  };
}

/** The short message an API puts in an error body (GitHub `message`, Jira `errorMessages`, GitLab `error`). */
function upstreamMessage(body: unknown): string | null {
  if (body === null || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  const pick =
    typeof b.message === 'string'
      ? b.message
      : Array.isArray(b.errorMessages) && typeof b.errorMessages[0] === 'string'
        ? b.errorMessages[0]
        : typeof b.error === 'string'
          ? b.error
          : null;
  return pick === null ? null : pick.slice(0, 200);
}

/** fetch's network failures hide the reason in `cause.code` (ECONNREFUSED, ETIMEDOUT…). */
function networkReason(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.message : 'unknown';
}
