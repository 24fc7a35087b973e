import { err, ok, type Result } from '../domain/result.js';

export interface PostOptions {
  /** Attempts after the first, on 429 and 5xx (default 3). */
  retries?: number;
  /** Wait before retry n (0-based) when the server gives no Retry-After, in ms (default 500 × 2^n). */
  backoffMs?: (attempt: number) => number;
  /** Longest wait honoured from a Retry-After header, in ms (default 30 s). */
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  timeoutMs?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * POSTs a JSON body to a webhook (Slack, Teams, a signed generic one), retrying on 429 (after Retry-After)
 * and 5xx (with backoff). `name` says what the endpoint is in messages ("the Slack webhook"): the URL is a
 * secret, so no message this returns contains it, nor anything the network error said about it.
 */
export async function postJson(
  url: string,
  body: string,
  name: string,
  headers: Record<string, string> = {},
  options: PostOptions = {},
): Promise<Result<{ attempts: number }>> {
  const retries = options.retries ?? 3;
  const sleep = options.sleep ?? defaultSleep;
  const backoff = options.backoffMs ?? ((n: number) => 500 * 2 ** n);
  const maxWait = options.maxWaitMs ?? 30_000;
  let last = '';
  for (let attempt = 0; attempt <= retries; attempt++) {
    let status: number;
    let retryAfter: string | null = null;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      await res.text();
    } catch {
      last = `${name} could not be reached (network error or timeout)`;
      if (attempt < retries) await sleep(backoff(attempt));
      continue;
    }
    if (status >= 200 && status < 300) return ok({ attempts: attempt + 1 });
    last = `${name} answered HTTP ${status}`;
    if (status !== 429 && status < 500) return err(last);
    if (attempt < retries) {
      const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
      await sleep(
        Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, maxWait) : backoff(attempt),
      );
    }
  }
  return err(`${last}, after ${retries + 1} attempts`);
}
