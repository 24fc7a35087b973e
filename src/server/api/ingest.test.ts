import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleHeader, bundleRequest } from '../../../test/support/bundles.js';
import { apiOver } from '../../../test/support/demo-store.js';
import type { Db } from '../../store/db.js';
import { openStore } from '../../store/open.js';
import type { BuiltServer } from '../run-server.js';
import { createToken } from '../tokens.js';

let db: Db;
let server: BuiltServer;
let ingest: string;
let viewer: string;

beforeEach(async () => {
  db = await openStore(':memory:');
  server = apiOver(
    db,
    null,
    { individuals: 'hidden', minGroupSize: 3 },
    { eventsBytes: 4_096, bundleBytes: 4_096, bundleTextBytes: 8_192, ingestPerMinute: 1_000 },
  );
  ingest = (await createToken(db, { role: 'ingest', teams: null, name: null })).token;
  viewer = (await createToken(db, { role: 'viewer', teams: null, name: null })).token;
});
afterEach(async () => db.close());

function post(path: string, body: string | Uint8Array, token = ingest, type = 'application/json') {
  return Promise.resolve(
    server.app.request(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      body: body as unknown as BodyInit,
    }),
  );
}

async function counts(): Promise<{ usage: number; outcomes: number }> {
  const [u] = await db.query('SELECT count(*) AS n FROM usage');
  const [o] = await db.query('SELECT count(*) AS n FROM outcomes');
  return { usage: Number(u?.n), outcomes: Number(o?.n) };
}

const event = (i: number, extra: Record<string, unknown> = {}) => ({
  timestamp: `2026-10-0${1 + (i % 9)}T10:00:00Z`,
  tool: 'gateway',
  provider: 'anthropic',
  model: 'claude-sonnet-4-5',
  input_tokens: 100 + i,
  output_tokens: 10,
  cost_usd: '0.01',
  session_id: `s${i}`,
  ...extra,
});

describe('ingestion over HTTP', () => {
  it('stores usage events, rejects bad ones by line and keeps the good ones, idempotently', async () => {
    const events = [event(1), event(2, { input_tokens: -5 }), event(3)];
    const res = await post('/api/v1/ingest/usage', JSON.stringify(events));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { written: number; rejected: number; problems: { line: number }[] };
    expect(body.written).toBe(2);
    expect(body.rejected).toBe(1);
    expect(body.problems[0]?.line).toBe(2);
    expect((await counts()).usage).toBe(2);
    const again = (await (await post('/api/v1/ingest/usage', JSON.stringify({ events }))).json()) as {
      alreadyStored: number;
    };
    expect(again.alreadyStored).toBe(2);
    expect((await counts()).usage).toBe(2);
  });

  it('stores outcome events sent as NDJSON', async () => {
    const lines = [
      { at: '2026-10-02T09:00:00Z', workflow: 'triage', kind: 'alert_triaged', ref: 'a1' },
      { at: '2026-10-02T10:00:00Z', workflow: 'triage', kind: 'alert_triaged', ref: 'a2', count: 3 },
      { at: 'not a time', workflow: 'triage', kind: 'alert_triaged', ref: 'a3' },
    ];
    const res = await post(
      '/api/v1/ingest/outcomes',
      lines.map((l) => JSON.stringify(l)).join('\n'),
      ingest,
      'application/x-ndjson',
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ written: 2, rejected: 1 });
    const [sum] = await db.query('SELECT sum(count) AS n FROM outcomes');
    expect(Number(sum?.n)).toBe(4);
  });

  it('refuses oversized and malformed bodies with 413 or 400 and loses nothing already stored', async () => {
    await post('/api/v1/ingest/usage', JSON.stringify([event(1), event(2)]));
    await post(
      '/api/v1/ingest/outcomes',
      JSON.stringify([{ at: '2026-10-02T09:00:00Z', workflow: 'w', kind: 'k', ref: 'r' }]),
    );
    const before = await counts();
    expect(before).toEqual({ usage: 2, outcomes: 1 });

    const big = JSON.stringify(Array.from({ length: 200 }, (_, i) => event(i)));
    expect(big.length).toBeGreaterThan(4_096);
    expect((await post('/api/v1/ingest/usage', big)).status).toBe(413);
    expect((await post('/api/v1/ingest/outcomes', big)).status).toBe(413);
    expect(
      (await post('/api/v1/ingest/bundle', new Uint8Array(10_000), ingest, 'application/gzip')).status,
    ).toBe(413);
    // A small gzip that inflates past the limit is refused too.
    const bomb = gzipSync(Buffer.alloc(1_000_000, 'a'));
    expect(bomb.length).toBeLessThan(4_096);
    expect([400, 413]).toContain(
      (await post('/api/v1/ingest/bundle', bomb, ingest, 'application/gzip')).status,
    );

    for (const [path, body] of [
      ['/api/v1/ingest/usage', '[{"timestamp": '],
      ['/api/v1/ingest/usage', '{"rows": []}'],
      ['/api/v1/ingest/usage', ''],
      ['/api/v1/ingest/outcomes', 'not json'],
      ['/api/v1/ingest/bundle', '{"format":"something-else"}\n{}'],
      ['/api/v1/ingest/bundle', gzipSync('{"format":"mileage-agent-logs","version":9}\n')],
    ] as const) {
      const res = await post(path, body);
      expect(res.status, `${path} ${String(body).slice(0, 30)}`).toBe(400);
      const error = (await res.json()) as { error: { code: string; message: string } };
      expect(error.error.code).toBe('bad_request');
      expect(error.error.message).not.toMatch(/duckdb|SELECT|at .*\.ts/i);
    }
    expect(await counts()).toEqual(before);
    // Events that are not objects are rejected one by one (counted, numbered), not as a body.
    const notObjects = await post('/api/v1/ingest/usage', '[1, 2]');
    expect(notObjects.status).toBe(200);
    expect(await notObjects.json()).toMatchObject({ written: 0, rejected: 2 });
    expect(await counts()).toEqual(before);
  });

  it('takes a bundle within the body limit whose text is larger (a bundle compresses about 8:1)', async () => {
    const text = [bundleHeader(12, null), ...Array.from({ length: 12 }, (_, i) => bundleRequest(i + 1))].join(
      '\n',
    );
    const body = gzipSync(text);
    expect([text.length > 4_096, text.length < 8_192, body.length < 4_096]).toEqual([true, true, true]);
    const res = await post('/api/v1/ingest/bundle', body, ingest, 'application/gzip');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { written: number }).written).toBe(12);
  });

  it('rate-limits ingestion per token with 429 and Retry-After', async () => {
    const limited = apiOver(db, null, { individuals: 'hidden', minGroupSize: 3 }, { ingestPerMinute: 3 });
    const send = () =>
      Promise.resolve(
        limited.app.request('/api/v1/ingest/usage', {
          method: 'POST',
          headers: { authorization: `Bearer ${ingest}`, 'content-type': 'application/json' },
          body: JSON.stringify([event(1)]),
        }),
      );
    const statuses: number[] = [];
    let last: Response | null = null;
    for (let i = 0; i < 5; i++) {
      last = await send();
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('lets only admin and ingest tokens write', async () => {
    const res = await post('/api/v1/ingest/usage', JSON.stringify([event(1)]), viewer);
    expect(res.status).toBe(403);
    expect((await counts()).usage).toBe(0);
  });

  it('keeps tokens hashed: made once, listed without the secret, revoked for good', async () => {
    const admin = (await createToken(db, { role: 'admin', teams: null, name: 'root' })).token;
    const made = await server.app.request('/api/v1/tokens', {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: JSON.stringify({ role: 'manager', teams: ['payments'], name: 'pay lead' }),
    });
    expect(made.status).toBe(201);
    const { token, id } = (await made.json()) as { token: string; id: string };
    const stored = await db.query('SELECT * FROM api_tokens');
    expect(JSON.stringify(stored)).not.toContain(token);
    const list = await (
      await server.app.request('/api/v1/tokens', { headers: { authorization: `Bearer ${admin}` } })
    ).text();
    expect(list).toContain(id);
    expect(list).not.toContain(token);
    const me = await server.app.request('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toMatchObject({ role: 'manager', teams: ['payments'] });
    const revoked = await server.app.request(`/api/v1/tokens/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(revoked.status).toBe(200);
    expect(
      (await server.app.request('/api/v1/me', { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(401);
    expect(
      (await server.app.request('/api/v1/tokens', { headers: { authorization: `Bearer ${viewer}` } })).status,
    ).toBe(403);
  });

  it('returns HTML and script in names and labels inert: JSON-escaped, never HTML', async () => {
    const admin = (await createToken(db, { role: 'admin', teams: null, name: null })).token;
    const script = '<script>alert(1)</script>';
    const img = '"><img src=x onerror=alert(1)>&amp;';
    await post('/api/v1/ingest/usage', JSON.stringify([event(1, { model: script, tool: img })]));
    await server.deps.maintenance.refresh();
    for (const path of [
      '/api/v1/filters?since=2026-09-01&until=2026-11-01',
      '/api/v1/metrics/spend.total?by=model&since=2026-09-01&until=2026-11-01',
      '/api/v1/metrics/spend.total?by=tool&since=2026-09-01&until=2026-11-01',
    ]) {
      const res = await server.app.request(path, { headers: { authorization: `Bearer ${admin}` } });
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const text = await res.text();
      expect(text).not.toMatch(/[<>]/);
      expect(text).not.toContain('&amp;');
      const parsed = JSON.stringify(JSON.parse(text));
      expect(parsed.includes(script) || parsed.includes(img), path).toBe(true);
    }
  });
});
