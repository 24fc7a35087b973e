import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { listenApp, stopServer } from '../../src/server/listen.js';
import { buildServer, type BuiltServer } from '../../src/server/run-server.js';
import { defaultWebRoot } from '../../src/server/static.js';
import { createToken } from '../../src/server/tokens.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { apiRequestLogs } from '../support/otlp-logs.js';
import { serverOptions } from '../support/server-options.js';

/**
 * Issue 19 item 5: the server answers only names it knows (DNS rebinding), the OTLP receiver can require an
 * ingest token (sent the exporters' standard way), serve warns when it listens beyond this machine without
 * one, and the dashboard carries a Content-Security-Policy (test/browser runs the dashboard under it).
 */
const stores: Db[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const db of stores.splice(0)) await db.close().catch(() => undefined);
});
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function server(options: Partial<Parameters<typeof buildServer>[0]> = {}): Promise<BuiltServer> {
  const db = await openStore(':memory:');
  stores.push(db);
  return buildServer({ ...serverOptions(db), webRoot: null, ...options });
}
const logs = (s: BuiltServer, headers: Record<string, string>, id = 'r1') =>
  s.app.request('/v1/logs', {
    method: 'POST',
    body: apiRequestLogs([{ requestId: id }]),
    headers: { 'content-type': 'application/json', ...headers },
  });
async function stored(s: BuiltServer): Promise<number> {
  await s.writer.flush();
  return Number((await s.deps.db.query('SELECT count(*) AS n FROM usage'))[0]?.n);
}

describe('Host header (DNS rebinding)', () => {
  it.each([
    ['localhost:4318', 200],
    ['127.0.0.1:4318', 200],
    ['[::1]:4318', 200],
    ['192.168.1.20:4318', 200],
    ['LOCALHOST', 200],
    ['attacker.example:4318', 421],
    ['localhost.attacker.example', 421],
    ['mileage.acme.internal', 421],
  ])('Host %s → %i by default', async (host, status) => {
    const s = await server();
    expect((await s.app.request('/healthz', { headers: { host } })).status).toBe(status);
  });

  it('refuses an OTLP post addressed to a rebinding name before anything is stored', async () => {
    const s = await server();
    const res = await logs(s, { host: 'rebind.attacker.example:4318' });
    expect(res.status).toBe(421);
    expect(await res.text()).toContain('--public-name');
    expect(await stored(s)).toBe(0);
  });

  it('answers the listening host name and the configured public names', async () => {
    const s = await server({ host: 'mileage-box', publicNames: ['mileage.acme.internal'] });
    for (const host of ['mileage-box:4318', 'mileage.acme.internal', 'Mileage.Acme.Internal:443'])
      expect((await s.app.request('/healthz', { headers: { host } })).status).toBe(200);
    expect((await s.app.request('/healthz', { headers: { host: 'other.example' } })).status).toBe(421);
  });
});

describe('OTLP token (serve --otlp-token-required)', () => {
  it('is open by default, as OTLP receivers are on a loopback address', async () => {
    const s = await server();
    expect((await logs(s, {})).status).toBe(200);
  });

  it('needs an ingest or admin token when required: 401 without, 403 for a reader, 200 with one', async () => {
    const s = await server({ otlpTokenRequired: true });
    const ingest = await createToken(s.deps.db, { role: 'ingest', teams: null, name: 'exporters' });
    const viewer = await createToken(s.deps.db, { role: 'viewer', teams: null, name: 'reader' });
    const none = await logs(s, {});
    expect(none.status).toBe(401);
    expect(((await none.json()) as { code: number }).code).toBe(16);
    expect((await logs(s, { authorization: 'Bearer not-a-token' })).status).toBe(401);
    expect((await logs(s, { authorization: `Bearer ${viewer.token}` })).status).toBe(403);
    expect(await stored(s)).toBe(0);
    expect((await logs(s, { authorization: `Bearer ${ingest.token}` }, 'r2')).status).toBe(200);
    expect(await stored(s)).toBe(1);
  });

  it('takes the token the OpenTelemetry JS exporter sends from OTEL_EXPORTER_OTLP_HEADERS', async () => {
    const s = await server({ otlpTokenRequired: true });
    const { token } = await createToken(s.deps.db, { role: 'ingest', teams: null, name: 'exporters' });
    const { server: http, address } = await listenApp(s.app.fetch, 0, '127.0.0.1');
    const before = process.env.OTEL_EXPORTER_OTLP_HEADERS;
    try {
      const send = async (headers: string | undefined, requestId: string) => {
        if (headers === undefined) delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
        else process.env.OTEL_EXPORTER_OTLP_HEADERS = headers;
        const exporter = new OTLPLogExporter({ url: `http://127.0.0.1:${address.port}/v1/logs` });
        const provider = new LoggerProvider({
          resource: resourceFromAttributes({ 'service.name': 'claude-code' }),
          processors: [new SimpleLogRecordProcessor({ exporter })],
        });
        provider.getLogger('com.anthropic.claude_code').emit({
          body: 'claude_code.api_request',
          timestamp: new Date('2026-07-02T09:14:05.940Z'),
          attributes: {
            'event.name': 'api_request',
            'session.id': 'sess-1',
            model: 'claude-sonnet-4-6',
            input_tokens: 4,
            output_tokens: 40,
            cost_usd: 0.01,
            request_id: requestId,
          },
        });
        await provider.forceFlush();
        await provider.shutdown();
      };
      await send(undefined, 'without');
      expect(await stored(s)).toBe(0);
      await send(`Authorization=Bearer%20${token}`, 'with');
      expect(await stored(s)).toBe(1);
    } finally {
      if (before === undefined) delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
      else process.env.OTEL_EXPORTER_OTLP_HEADERS = before;
      await stopServer(http);
    }
  });
});

describe('the dashboard', () => {
  it('is served with a Content-Security-Policy that runs only its own scripts and cannot be framed', async () => {
    const s = await server({ webRoot: defaultWebRoot() });
    const res = await s.app.request('/');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('mileage serve beyond this machine', () => {
  const cli = join(import.meta.dirname, '../../dist/cli/bin.js');
  const firstLines = async (args: string[]): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'mileage-edge-'));
    dirs.push(dir);
    const child = spawn(
      process.execPath,
      [cli, 'serve', '--db', join(dir, 's.duckdb'), '--port', '0', ...args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('http://')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
    });
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    return err;
  };

  it('warns loudly when it listens on all addresses without --otlp-token-required, not with it', async () => {
    expect(await firstLines(['--host', '0.0.0.0'])).toMatch(
      /WARNING: listening on 0\.0\.0\.0.*--otlp-token-required/s,
    );
    expect(await firstLines(['--host', '0.0.0.0', '--otlp-token-required'])).not.toContain('WARNING');
    expect(await firstLines(['--host', '127.0.0.1'])).not.toContain('WARNING');
  });
});
