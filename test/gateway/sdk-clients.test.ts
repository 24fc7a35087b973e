import Anthropic from '@anthropic-ai/sdk';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, liveKeys, revokeKey } from '../../src/gateway/keys.js';
import { runGateway, type RunningGateway } from '../../src/gateway/run-gateway.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { startMockLlm, type MockLlm } from '../support/mock-llm.js';

/**
 * Issue 21: the official `@anthropic-ai/sdk` and `openai` clients against the gateway in front of a local
 * mock provider, streamed and not; every answer must reach the client as the provider sent it and become
 * one usage record with the provider's token counts in the ledger's split.
 */
let db: Db;
let mock: MockLlm;
let gw: RunningGateway;
let dir: string;
let key: string;
let anthropic: Anthropic;
let openai: OpenAI;

const TEAM = {
  person: 'ana@example.com',
  workflow: 'support-bot',
  workloadType: 'triage',
  expiresAt: null,
  sandbox: false,
  budgetUsd: null,
  alertAt: null,
  capUsd: null,
};

async function recordOf(dedupKey: string): Promise<Record<string, unknown>> {
  await gw.flush();
  const [row] = await db.query(
    `SELECT model, provider, input_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens,
       output_tokens, reasoning_tokens, requests, team_tag, workflow, session_id, branch, key_hash, actor_hash
     FROM usage WHERE source = 'gateway' AND dedup_key = $k`,
    { k: dedupKey },
  );
  if (!row) throw new Error(`no record for ${dedupKey}`);
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]));
}

const lastSeen = () => mock.seen.at(-1);

beforeAll(async () => {
  db = await openStore(':memory:');
  ({ key } = await createKey(db, { team: 'payments', models: null, ...TEAM }));
  mock = await startMockLlm();
  dir = await mkdtemp(join(tmpdir(), 'mileage-gw-'));
  gw = await runGateway({
    host: '127.0.0.1',
    port: 0,
    spoolDir: join(dir, 'spool'),
    upstreams: {
      anthropic: { provider: 'anthropic', base: new URL(mock.url), credential: 'sk-ant-org-secret' },
      openai: { provider: 'openai', base: new URL(`${mock.url}/v1`), credential: 'sk-org-secret' },
    },
    store: db,
    loadKeys: () => liveKeys(db),
    timeoutMs: 1_500,
    flushMs: 20,
    log: () => undefined,
  });
  anthropic = new Anthropic({ apiKey: key, baseURL: gw.url, maxRetries: 0 });
  openai = new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await gw.stop();
  await mock.close();
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Anthropic Messages through the gateway', () => {
  it('answers unchanged and meters a message, with the org credential upstream and never the virtual key', async () => {
    const msg = await anthropic.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
      metadata: { user_id: 'user_abc_account_0000_session_3b1d6c1e-5a0b-4a57-9a0e-2f1b7c9d0e11' },
    });
    expect(msg.content).toEqual([{ type: 'text', text: 'Hello!' }]);
    const seen = lastSeen();
    expect(seen?.headers['x-api-key']).toBe('sk-ant-org-secret');
    expect(JSON.stringify(seen?.headers)).not.toContain(key);
    const r = await recordOf(`req_mock${mock.seen.length}`);
    expect(r).toMatchObject({
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
      input_tokens: msg.usage.input_tokens,
      cache_read_tokens: msg.usage.cache_read_input_tokens,
      cache_write_tokens: msg.usage.cache_creation_input_tokens,
      cache_write_1h_tokens: 10,
      output_tokens: msg.usage.output_tokens,
      requests: 1,
      team_tag: 'payments',
      workflow: 'support-bot',
      session_id: '3b1d6c1e-5a0b-4a57-9a0e-2f1b7c9d0e11',
    });
    expect(String(r.key_hash)).toMatch(/^h:/);
    expect(String(r.actor_hash)).toMatch(/^h:/);
  });

  it('streams events as sent and meters message_start + message_delta', async () => {
    const stream = anthropic.messages.stream(
      { model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] },
      {
        headers: {
          'x-mileage-session': 's-42',
          'x-mileage-branch': 'feat/x',
          'x-mileage-workflow': 'nightly',
        },
      },
    );
    const text: string[] = [];
    stream.on('text', (t) => text.push(t));
    const msg = await stream.finalMessage();
    expect(text.join('')).toBe('word0 word1 word2 ');
    const r = await recordOf(`req_mock${mock.seen.length}`);
    expect(r).toMatchObject({
      input_tokens: msg.usage.input_tokens,
      cache_read_tokens: msg.usage.cache_read_input_tokens,
      output_tokens: msg.usage.output_tokens,
      session_id: 's-42',
      branch: 'feat/x',
      workflow: 'nightly',
    });
    expect(JSON.stringify(lastSeen()?.headers)).not.toContain('x-mileage');
  });

  it('passes count_tokens through without a usage record', async () => {
    const before = await db.query(`SELECT count(*) AS n FROM usage`);
    const counted = await anthropic.messages.countTokens({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(counted.input_tokens).toBe(42);
    await gw.flush();
    expect(await db.query(`SELECT count(*) AS n FROM usage`)).toEqual(before);
  });
});

describe('OpenAI through the gateway', () => {
  it('chat completion, not streamed: inclusive input split into uncached and cached', async () => {
    const c = await openai.chat.completions.create({
      model: 'gpt-5-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(c.choices[0]?.message.content).toBe('Hello!');
    expect(lastSeen()?.headers.authorization).toBe('Bearer sk-org-secret');
    const r = await recordOf(`req_oa_mock${mock.seen.length}`);
    expect(r).toMatchObject({
      provider: 'openai',
      input_tokens: (c.usage?.prompt_tokens ?? 0) - 64,
      cache_read_tokens: 64,
      output_tokens: c.usage?.completion_tokens,
      reasoning_tokens: 8,
    });
  });

  it('chat stream without include_usage: asked upstream, the extra chunk stripped, still metered', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt-5-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(lastSeen()?.body.stream_options).toEqual({ include_usage: true });
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('word0 word1 word2 ');
    const n = mock.seen.length;
    const r = await recordOf(`req_oa_mock${n}`);
    expect(r).toMatchObject({
      input_tokens: 100 + n - 64,
      cache_read_tokens: 64,
      output_tokens: 20 + (n % 9),
    });
  });

  it('chat stream with include_usage: the client gets its usage chunk', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt-5-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
    const r = await recordOf(`req_oa_mock${mock.seen.length}`);
    expect(r.output_tokens).toBe(usage?.completion_tokens);
  });

  it('responses, streamed and not', async () => {
    const plain = await openai.responses.create({ model: 'gpt-5', input: 'hi' });
    expect(plain.output_text).toBe('Hello!');
    const a = await recordOf(`req_rs_mock${mock.seen.length}`);
    expect(a).toMatchObject({
      input_tokens: (plain.usage?.input_tokens ?? 0) - 128,
      cache_read_tokens: 128,
      reasoning_tokens: 16,
    });

    const stream = await openai.responses.create({ model: 'gpt-5', input: 'hi', stream: true });
    let completed: OpenAI.Responses.Response | null = null;
    for await (const e of stream) if (e.type === 'response.completed') completed = e.response;
    const b = await recordOf(`req_rs_mock${mock.seen.length}`);
    expect(b.output_tokens).toBe(completed?.usage?.output_tokens);
  });
});

describe('failures passed through, keys enforced', () => {
  it('passes 429 and 500 through unchanged, headers included', async () => {
    const e429 = await anthropic.messages
      .create(
        { model: 'claude-sonnet-4-6', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-mock': '429' } },
      )
      .catch((e: unknown) => e);
    expect(e429).toBeInstanceOf(Anthropic.RateLimitError);
    expect((e429 as InstanceType<typeof Anthropic.RateLimitError>).headers.get('retry-after')).toBe('7');
    const e500 = await openai.chat.completions
      .create(
        { model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-mock': '500' } },
      )
      .catch((e: unknown) => e);
    expect(e500).toBeInstanceOf(OpenAI.InternalServerError);
    expect((e500 as InstanceType<typeof OpenAI.InternalServerError>).message).toContain('mock 500');
  });

  it('answers 504 in the provider shape when the upstream never answers', async () => {
    const e = await anthropic.messages
      .create(
        { model: 'claude-sonnet-4-6', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-mock': 'hang' } },
      )
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(Anthropic.APIError);
    expect((e as InstanceType<typeof Anthropic.APIError>).status).toBe(504);
  });

  it('refuses a revoked key and enforces a model allow-list', async () => {
    const made = await createKey(db, { team: 'payments', ...TEAM, models: ['claude-haiku-4-5'] });
    await gw.reloadKeys();
    const limited = new Anthropic({ apiKey: made.key, baseURL: gw.url, maxRetries: 0 });
    const ask = (model: string) =>
      limited.messages.create({ model, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    await expect(ask('claude-haiku-4-5')).resolves.toMatchObject({ type: 'message' });
    await expect(ask('claude-opus-4-6')).rejects.toBeInstanceOf(Anthropic.PermissionDeniedError);
    await revokeKey(db, made.id);
    await gw.reloadKeys();
    await expect(ask('claude-haiku-4-5')).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    const stranger = new OpenAI({ apiKey: 'sk-mlg-nope', baseURL: `${gw.url}/v1`, maxRetries: 0 });
    await expect(stranger.chat.completions.create({ model: 'gpt-5', messages: [] })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
  });

  it("refuses a sandbox key past its cap in the provider's own error shape, and only then", async () => {
    const made = await createKey(db, {
      ...TEAM,
      team: 'lab',
      models: null,
      sandbox: true,
      capUsd: '0.000001',
    });
    await gw.reloadKeys();
    const claude = new Anthropic({ apiKey: made.key, baseURL: gw.url, maxRetries: 0 });
    const ask = () =>
      claude.messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'hi' }],
      });
    await expect(ask()).resolves.toMatchObject({ type: 'message' });
    const capped = await ask().catch((e: unknown) => e);
    expect(capped).toBeInstanceOf(Anthropic.BadRequestError);
    expect((capped as Error).message).toContain('monthly cap');
    const gpt = new OpenAI({ apiKey: made.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const quota = await gpt.chat.completions
      .create({ model: 'gpt-5-mini', messages: [] })
      .catch((e: unknown) => e);
    expect(quota).toBeInstanceOf(OpenAI.RateLimitError);
    expect((quota as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('insufficient_quota');
  });

  it('meters a stream whose client went away mid-answer, for everything the provider produced', async () => {
    const ac = new AbortController();
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json', 'x-mock': 'slow-long' },
      body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 8, stream: true, messages: [] }),
      signal: ac.signal,
    });
    const n = mock.seen.length;
    const reader = res.body!.getReader();
    await reader.read();
    ac.abort();
    // The provider goes on (200 deltas, 30 ms apart): the record appears once it has finished.
    let row: Record<string, unknown> | null = null;
    for (let i = 0; i < 100 && !row; i++) {
      await new Promise((r) => setTimeout(r, 100));
      row = await recordOf(`req_mock${n}`).catch(() => null);
    }
    expect(row?.output_tokens).toBe(5 + (n % 11));
    expect(row?.input_tokens).toBe(10 + (n % 7));
  }, 20_000);
});
