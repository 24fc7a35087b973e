import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http, { type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AzureOpenAI, PermissionDeniedError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, liveKeys } from '../../src/gateway/keys.js';
import { runGateway, type RunningGateway } from '../../src/gateway/run-gateway.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';

/**
 * Azure OpenAI through the gateway, with the official `openai` package's AzureOpenAI client: the virtual key
 * travels in Azure's `api-key` header, the deployment in the path and the API version in the query; the
 * gateway swaps the key for the resource's credential and meters Azure's answer (its content-filter fields
 * and all) as an OpenAI chat answer. The upstream is a local server answering in Azure's documented shape
 * (test/fixtures/gateway/azure-chat-completion.json).
 */
const ANSWER = readFileSync(
  new URL('../fixtures/gateway/azure-chat-completion.json', import.meta.url),
  'utf8',
);
const FILTERS = (JSON.parse(ANSWER) as { prompt_filter_results: unknown }).prompt_filter_results;

interface Seen {
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** Azure's resource, on 127.0.0.1: chat completions of a deployment, streamed (in Azure's chunk order) or not. */
async function startAzure(): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  let n = 0;
  const server: Server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://azure.local');
      const body = JSON.parse(Buffer.concat(parts).toString('utf8') || '{}') as Record<string, unknown>;
      seen.push({ path: url.pathname, query: url.searchParams, headers: req.headers, body });
      n += 1;
      const headers = { 'x-request-id': `azure-req-${n}`, 'apim-request-id': `apim-${n}` };
      if (!/^\/openai\/deployments\/[^/]+\/chat\/completions$/.test(url.pathname)) {
        res.writeHead(404, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify({ error: { code: '404', message: 'Resource not found' } }));
        return;
      }
      if (body.stream !== true) {
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.end(ANSWER);
        return;
      }
      // Azure's stream: first a chunk with no choices and the prompt's filter results, then the deltas; the
      // usage chunk (choices empty) only when the request set stream_options.include_usage.
      const base = {
        id: 'chatcmpl-azure',
        created: 1728073417,
        model: 'gpt-4o-2024-08-06',
        object: 'chat.completion.chunk',
      };
      const chunks: unknown[] = [
        { choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: FILTERS },
        { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
        {
          ...base,
          choices: [
            { index: 0, delta: { content: 'Hello' }, finish_reason: null, content_filter_results: {} },
          ],
        },
        { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
      ];
      const options = body.stream_options as { include_usage?: boolean } | undefined;
      if (options?.include_usage)
        chunks.push({
          ...base,
          choices: [],
          usage: {
            prompt_tokens: 1200,
            completion_tokens: 7,
            total_tokens: 1207,
            prompt_tokens_details: { cached_tokens: 1024 },
            completion_tokens_details: { reasoning_tokens: 0 },
          },
        });
      res.writeHead(200, { 'content-type': 'text/event-stream', ...headers });
      res.end(`${chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('')}data: [DONE]\n\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let db: Db;
let azure: Awaited<ReturnType<typeof startAzure>>;
let gw: RunningGateway;
let dir: string;
let key: string;
let narrowKey: string;

const SPEC = {
  person: null,
  workloadType: null,
  expiresAt: null,
  sandbox: false,
  budgetUsd: null,
  alertAt: null,
  capUsd: null,
};

async function recordOf(dedupKey: string): Promise<Record<string, unknown>> {
  await gw.flush();
  const [row] = await db.query(
    `SELECT provider, model, stream, input_tokens, cache_read_tokens, cache_write_tokens, output_tokens,
       reasoning_tokens, status, team_tag, workflow
     FROM usage WHERE source = 'gateway' AND dedup_key = $k`,
    { k: dedupKey },
  );
  if (!row) throw new Error(`no record for ${dedupKey}`);
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]));
}

beforeAll(async () => {
  db = await openStore(':memory:');
  ({ key } = await createKey(db, { team: 'support', workflow: 'ticket-triage', models: null, ...SPEC }));
  ({ key: narrowKey } = await createKey(db, {
    team: 'support',
    workflow: null,
    models: ['gpt-4o-mini'],
    ...SPEC,
  }));
  azure = await startAzure();
  dir = await mkdtemp(join(tmpdir(), 'mileage-gw-azure-'));
  gw = await runGateway({
    host: '127.0.0.1',
    port: 0,
    spoolDir: join(dir, 'spool'),
    upstreams: {
      anthropic: { provider: 'anthropic', base: new URL('http://127.0.0.1:9'), credential: null },
      openai: { provider: 'openai', base: new URL('http://127.0.0.1:9/v1'), credential: null },
      azure: {
        provider: 'azure',
        base: new URL(azure.url),
        credential: 'azure-resource-secret',
        stream: 'azure:acme:eastus',
        apiVersion: null,
      },
    },
    store: db,
    loadKeys: () => liveKeys(db),
    flushMs: 20,
    log: () => undefined,
  });
});

afterAll(async () => {
  await gw.stop();
  await azure.close();
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

const client = (apiKey: string, deployment: string) =>
  new AzureOpenAI({ endpoint: gw.url, apiKey, apiVersion: '2024-10-21', deployment, maxRetries: 0 });

describe('Azure OpenAI through the gateway (AzureOpenAI client)', () => {
  it('passes the deployment path and api-version, swaps api-key for the resource credential, meters the answer', async () => {
    const answer = await client(key, 'o1-preview').chat.completions.create({
      model: 'o1-preview',
      messages: [{ role: 'user', content: 'How do I make a Python API?' }],
    });
    expect(answer).toEqual(JSON.parse(ANSWER));
    const seen = azure.seen.at(-1);
    expect(seen?.path).toBe('/openai/deployments/o1-preview/chat/completions');
    expect(seen?.query.get('api-version')).toBe('2024-10-21');
    expect(seen?.headers['api-key']).toBe('azure-resource-secret');
    expect(JSON.stringify(seen?.headers)).not.toContain(key);
    // Azure's documented counts, in the ledger's split: 20 prompt tokens of which none cached, 1843 output
    // tokens of which 448 reasoning; the model the answer names; the stream of the Azure resource.
    expect(await recordOf(`azure-req-${azure.seen.length}`)).toMatchObject({
      provider: 'azure',
      model: 'o1-preview-2024-09-12',
      stream: 'azure:acme:eastus',
      input_tokens: 20,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      output_tokens: 1843,
      reasoning_tokens: 448,
      status: 200,
      team_tag: 'support',
      workflow: 'ticket-triage',
    });
  });

  it('streams Azure chunks unchanged (the filter chunk first), asks for usage upstream and strips it', async () => {
    const stream = await client(key, 'gpt-4o').chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const chunks: { choices: unknown[]; usage?: unknown; prompt_filter_results?: unknown }[] = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks[0]?.prompt_filter_results).toEqual(FILTERS);
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(chunks).toHaveLength(4);
    expect(azure.seen.at(-1)?.body.stream_options).toEqual({ include_usage: true });
    // 1200 prompt tokens of which 1024 cached: 176 uncached input and 1024 cache reads.
    expect(await recordOf(`azure-req-${azure.seen.length}`)).toMatchObject({
      provider: 'azure',
      model: 'gpt-4o-2024-08-06',
      input_tokens: 176,
      cache_read_tokens: 1024,
      output_tokens: 7,
    });
  });

  it("refuses a deployment outside the key's models in OpenAI's error shape, before Azure is called", async () => {
    const before = azure.seen.length;
    await expect(
      client(narrowKey, 'o1-preview').chat.completions.create({
        model: 'o1-preview',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
    expect(azure.seen.length).toBe(before);
  });
});
