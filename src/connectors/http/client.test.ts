import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MileageError } from '../../domain/errors.js';
import { fakeClock } from '../../../test/support/fake-clock.js';
import { ReplayServer } from '../../../test/support/replay-server.js';
import { HttpClient, type HttpClientOptions } from './client.js';
import { isGraphqlRateLimited } from './graphql.js';

const TOKEN = 'ghp_replaySecret0123456789';
let server: ReplayServer;
beforeAll(async () => {
  server = await ReplayServer.start();
  server.route('GET', '/ok', () => ({ json: { fine: true } }));
});
afterAll(() => server.close());

/** A client with a fake clock and fixed jitter (random() = 0.5): every wait is recorded, none is real. */
function client(options: HttpClientOptions = {}) {
  const clock = fakeClock();
  const http = new HttpClient({
    auth: { header: 'authorization', value: `Bearer ${TOKEN}` },
    clock,
    random: () => 0.5,
    ...options,
  });
  return { http, clock };
}

async function failure(p: Promise<unknown>): Promise<MileageError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MileageError) return e;
    throw e;
  }
  throw new Error('expected the request to fail');
}

const url = (path: string) => new URL(`${server.url}${path}`);

describe('HttpClient retries and rate limits', () => {
  it('waits Retry-After seconds on 429, then succeeds', async () => {
    server.script('GET', '/ok', { status: 429, headers: { 'retry-after': '120' } });
    const { http, clock } = client();
    const r = await http.getJson(url('/ok'));
    expect(r.body).toEqual({ fine: true });
    expect(clock.waits).toEqual([120_000]);
    expect(http.stats).toEqual({ requests: 2, retries: 1, waitedMs: 120_000 });
  });

  it('reads Retry-After as an HTTP date', async () => {
    // The fake clock stands at 2026-07-01T00:00:00Z.
    server.script('GET', '/ok', { status: 429, headers: { 'retry-after': 'Wed, 01 Jul 2026 00:00:45 GMT' } });
    const { http, clock } = client();
    await http.getJson(url('/ok'));
    expect(clock.waits).toEqual([45_000]);
  });

  it('backs off exponentially with jitter on 5xx and network errors', async () => {
    server.script('GET', '/ok', { status: 503 }, { status: 502 }, { hangUp: true });
    const { http, clock } = client({ baseDelayMs: 1000 });
    await http.getJson(url('/ok'));
    // Steps of 1, 2 and 4 s: half fixed, half jitter (0.5 of the other half).
    expect(clock.waits).toEqual([750, 1500, 3000]);
    expect(http.stats.retries).toBe(3);
  });

  it.each([
    ['retry-after', { 'retry-after': '60' }, '', 60_000],
    // Reset 30 s after the fake clock's now, plus one second for rounding.
    [
      'x-ratelimit-remaining 0 + reset',
      {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Date.parse('2026-07-01T00:00:30Z') / 1000),
      },
      '',
      31_000,
    ],
    ['only a secondary-rate-limit message', {}, 'You have exceeded a secondary rate limit.', 60_000],
  ])(
    'GitHub secondary rate limit on 403 (%s) waits the given time',
    async (_name, headers, message, wait) => {
      server.script('GET', '/ok', { status: 403, headers, json: { message } });
      const { http, clock } = client();
      await http.getJson(url('/ok'));
      expect(clock.waits).toEqual([wait]);
    },
  );

  it('a plain 403 is a permission error: no retry, the hint names where the token comes from', async () => {
    server.script('GET', '/ok', { status: 403, json: { message: 'Resource not accessible by integration' } });
    const { http, clock } = client({ authHint: 'the token in $GITHUB_TOKEN' });
    const e = await failure(http.getJson(url('/ok?per_page=100')));
    expect(e.code).toBe('upstream');
    expect(e.message).toMatch(/^GET 127\.0\.0\.1:\d+\/ok: HTTP 403 Forbidden: Resource not accessible/);
    expect(e.hint).toBe('Check the token in $GITHUB_TOKEN and its permissions.');
    expect(clock.waits).toEqual([]);
  });

  it('gives up after max retries with an upstream error naming the path, not the query string', async () => {
    server.script('GET', '/ok', { status: 500 }, { status: 500 }, { status: 500 });
    const { http, clock } = client({ maxRetries: 2 });
    const e = await failure(http.getJson(url(`/ok?private_token=${TOKEN}&page=2`)));
    expect(e.message).toMatch(/^GET 127\.0\.0\.1:\d+\/ok: HTTP 500 after 2 retries$/);
    expect(clock.waits).toHaveLength(2);
  });

  it('refuses to wait longer than max wait, before sleeping', async () => {
    server.script('GET', '/ok', { status: 429, headers: { 'retry-after': '3600' } });
    const { http, clock } = client({ maxWaitMs: 600_000 });
    const e = await failure(http.getJson(url('/ok')));
    expect(e.message).toContain('waiting 3600 s more would exceed the 600 s allowed');
    expect(clock.waits).toEqual([]);
  });

  it('reports malformed JSON as an upstream error naming the endpoint', async () => {
    server.script('GET', '/ok', { text: '{"issues": [' });
    const { http } = client();
    const e = await failure(http.getJson(url('/ok')));
    expect(e.code).toBe('upstream');
    expect(e.message).toMatch(/^GET 127\.0\.0\.1:\d+\/ok: the response is not valid JSON/);
  });

  it('retries a rate limit reported in a GraphQL body, even with HTTP 400 (Linear)', async () => {
    server.script('POST', '/graphql', {
      status: 400,
      json: { errors: [{ message: 'Rate limit exceeded', extensions: { code: 'RATELIMITED' } }] },
    });
    server.route('POST', '/graphql', () => ({ json: { data: { ok: 1 } } }));
    const { http, clock } = client({ rateLimitedBody: isGraphqlRateLimited });
    const r = await http.postJson(url('/graphql'), { query: '{ ok }' });
    expect(r.body).toEqual({ data: { ok: 1 } });
    expect(clock.waits).toEqual([60_000]);
  });

  it('never lets the token into an error, even when the server echoes it', async () => {
    server.script('GET', '/ok', { status: 401, json: { message: `bad credentials: Bearer ${TOKEN}` } });
    const { http } = client();
    const e = await failure(http.getJson(url(`/ok?token=${TOKEN}`)));
    expect(e.message).toContain('HTTP 401');
    expect(e.message).toContain('[redacted]');
    expect(inspect(e, { depth: 10 })).not.toContain(TOKEN);
  });

  it('sends the auth header and a JSON body', async () => {
    server.route('POST', '/echo', (req) => ({ json: { auth: req.headers.authorization, got: req.json } }));
    const { http } = client();
    const r = await http.postJson(url('/echo'), { a: 1 });
    expect(r.body).toEqual({ auth: `Bearer ${TOKEN}`, got: { a: 1 } });
  });

  it('an abort during a wait stops at once with the abort reason', async () => {
    server.script('GET', '/ok', { status: 503 });
    const controller = new AbortController();
    const clock = fakeClock();
    const http = new HttpClient({
      clock: {
        now: () => clock.now(),
        sleep: (ms, signal) => (controller.abort(new Error('stop')), clock.sleep(ms, signal)),
      },
    });
    await expect(http.getJson(url('/ok'), controller.signal)).rejects.toThrow('stop');
  });
});

describe('HttpClient against a server that never answers', () => {
  it('gives up on an attempt after attemptTimeoutMs, retries, then fails naming the endpoint and the wait', async () => {
    const { createServer } = await import('node:http');
    let accepted = 0;
    // Accepts the request, reads it, and never writes a byte back.
    const silent = createServer(() => {
      accepted++;
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    try {
      const { http, clock } = client({ attemptTimeoutMs: 200, maxRetries: 1 });
      const e = await failure(http.getJson(new URL(`http://127.0.0.1:${address.port}/hangs`)));
      expect(e.message).toContain('/hangs: network error after 1 retries (no answer within 200 ms)');
      expect(accepted).toBe(2);
      expect(clock.waits).toHaveLength(1);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
