import Anthropic from '@anthropic-ai/sdk';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/gateway/run-gateway.js';
import { runServer, type RunningServer } from '../../src/server/run-server.js';
import { createToken } from '../../src/server/tokens.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { startMockLlm, type MockLlm } from '../support/mock-llm.js';
import { linkedGateway } from '../support/gateway-link.js';
import { serverOptions } from '../support/server-options.js';

/**
 * The gateway as deployed: `mileage serve` owns the store; keys are made through its admin API; the gateway
 * loads them with an ingest token and ships its records to it. With the server stopped, requests still pass
 * and their records wait in the spool, then arrive once the server is back.
 */
let db: Db;
let server: RunningServer;
let mock: MockLlm;
let gw: RunningGateway;
let dir: string;
let port: number;

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${server.url}/api/v1/${path}`, {
    ...init,
    headers: { authorization: `Bearer ${server.sessionToken}`, 'content-type': 'application/json' },
  });

async function gatewayRecords(): Promise<number> {
  const [row] = await db.query(`SELECT count(*) AS n FROM usage WHERE source = 'gateway'`);
  return Number(row?.n ?? 0);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mileage-gw-link-'));
  db = await openStore(':memory:');
  server = await runServer({ ...serverOptions(db), host: '127.0.0.1', port: 0, warm: false, webRoot: null });
  port = Number(new URL(server.url).port);
  const ingest = await createToken(db, { role: 'ingest', teams: null, name: 'gateway' });
  mock = await startMockLlm();
  ({ gw } = await linkedGateway({
    serverUrl: server.url,
    token: ingest.token,
    mockUrl: mock.url,
    dir,
  }));
});

afterAll(async () => {
  await gw.stop();
  await server.stop().catch(() => undefined);
  await mock.close();
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('gateway keys through the admin API, records shipped to the server', () => {
  it('makes, lists and revokes keys as an admin; an ingest token cannot', async () => {
    const made = (await (
      await api('gateway/keys', {
        method: 'POST',
        body: JSON.stringify({ team: 'search', workflow: 'reindex', models: ['claude-haiku-4-5'] }),
      })
    ).json()) as { key: string; id: string };
    expect(made.key).toMatch(/^sk-mlg-/);
    const listed = (await (await api('gateway/keys')).json()) as { keys: { id: string; models: string[] }[] };
    expect(listed.keys.find((k) => k.id === made.id)?.models).toEqual(['claude-haiku-4-5']);
    expect(JSON.stringify(listed)).not.toContain(made.key);
    const ingest = await createToken(db, { role: 'ingest', teams: null, name: 'x' });
    const refused = await fetch(`${server.url}/api/v1/gateway/keys`, {
      headers: { authorization: `Bearer ${ingest.token}` },
    });
    expect(refused.status).toBe(403);
    expect((await api(`gateway/keys/${made.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await api(`gateway/keys/${made.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses shipped records that are not gateway records under their own id', async () => {
    const res = await fetch(`${server.url}/api/v1/gateway/records`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.sessionToken}`, 'content-type': 'application/json' },
      body: JSON.stringify([
        { id: 'x', source: 'anthropic-admin', start: '2026-01-01T00:00:00Z', end: '2026-01-01T00:00:00Z' },
      ]),
    });
    expect(res.status).toBe(400);
  });

  it('serves with the server stopped, and ships the spooled records once it is back', async () => {
    const made = (await (
      await api('gateway/keys', { method: 'POST', body: JSON.stringify({ team: 'ops' }) })
    ).json()) as {
      key: string;
    };
    await gw.reloadKeys();
    const client = new Anthropic({ apiKey: made.key, baseURL: gw.url, maxRetries: 0 });
    const ask = () =>
      client.messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'hi' }],
      });
    await ask();
    await gw.flush();
    const before = await gatewayRecords();
    expect(before).toBe(1);

    await server.stop();
    for (let i = 0; i < 5; i++) await expect(ask()).resolves.toMatchObject({ type: 'message' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await gatewayRecords()).toBe(before);

    // The same store, served again on the same port: the waiting shipment goes through.
    server = await runServer({ ...serverOptions(db), host: '127.0.0.1', port, warm: false, webRoot: null });
    for (let i = 0; i < 100 && (await gatewayRecords()) < before + 5; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await gatewayRecords()).toBe(before + 5);
  }, 30_000);

  it('stores status, latency, time to first token, session and branch as columns, listed for admins', async () => {
    const made = (await (
      await api('gateway/keys', {
        method: 'POST',
        body: JSON.stringify({ team: 'payments', workflow: 'pr-review' }),
      })
    ).json()) as { key: string };
    await gw.reloadKeys();
    const client = new Anthropic({ apiKey: made.key, baseURL: gw.url, maxRetries: 0 });
    const ask = (headers: Record<string, string>, userId?: string) =>
      client.messages.create(
        {
          model: 'claude-sonnet-4-6',
          max_tokens: 8,
          messages: [{ role: 'user', content: 'hi' }],
          ...(userId ? { metadata: { user_id: userId } } : {}),
        },
        { headers },
      );
    await ask({ 'x-mileage-session': 'bot-run-7', 'x-mileage-branch': 'feat/BILL-12' });
    // Claude Code's own metadata (newer builds send a JSON text with the session id).
    await ask({}, JSON.stringify({ device_id: 'd', session_id: '5b0c9f7e-1c1a-4d2e-9f00-aa11bb22cc33' }));
    await expect(ask({ 'x-mock': '429' })).rejects.toMatchObject({ status: 429 });
    await gw.flush();

    const listed = (await (await api('gateway/requests?workflow=pr-review')).json()) as {
      requests: {
        status: number;
        latencyMs: number;
        ttftMs: number;
        sessionId: string | null;
        branch: string | null;
        team: string;
      }[];
    };
    expect(listed.requests).toHaveLength(3);
    const bySession = new Map(listed.requests.map((r) => [r.sessionId, r]));
    expect(bySession.get('bot-run-7')).toMatchObject({
      status: 200,
      branch: 'feat/BILL-12',
      team: 'payments',
    });
    expect(bySession.get('5b0c9f7e-1c1a-4d2e-9f00-aa11bb22cc33')).toMatchObject({
      status: 200,
      branch: null,
    });
    expect(listed.requests.filter((r) => r.status === 429)).toHaveLength(1);
    for (const r of listed.requests) {
      expect(r.ttftMs).toBeGreaterThanOrEqual(0);
      expect(r.latencyMs).toBeGreaterThanOrEqual(r.ttftMs);
    }
    // The same facts as columns of the usage table, and through the record-level lookup.
    const [row] = await db.query(
      `SELECT id, status, latency_ms, ttft_ms, client_aborted FROM usage WHERE source = 'gateway' AND session_id = 'bot-run-7'`,
    );
    expect(row).toMatchObject({ status: 200, client_aborted: false });
    const [found] = await db.findUsage({ id: String(row?.id) }, 1);
    expect(found?.served).toMatchObject({
      status: 200,
      sessionId: 'bot-run-7',
      branch: 'feat/BILL-12',
      workflow: 'pr-review',
    });
    const failures = (await (await api('gateway/requests?min_status=400')).json()) as {
      requests: { status: number }[];
    };
    expect(failures.requests.map((r) => r.status)).toEqual([429]);
    const ingest = await createToken(db, { role: 'ingest', teams: null, name: 'y' });
    const refused = await fetch(`${server.url}/api/v1/gateway/requests`, {
      headers: { authorization: `Bearer ${ingest.token}` },
    });
    expect(refused.status).toBe(403);
  });

  it('answers /health and /metrics', async () => {
    expect(await (await fetch(`${gw.url}/health`)).json()).toMatchObject({ status: 'ok' });
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/mileage_gateway_requests_total\{provider="anthropic",status="200"\} \d+/);
    expect(metrics).not.toContain('sk-');
  });
});
