import Anthropic from '@anthropic-ai/sdk';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureOptIn } from '../../src/audit/capture-opt-in.js';
import { parseCaptureLine, type CaptureRecord } from '../../src/audit/capture-record.js';
import { CaptureWriter, type CaptureOutcome } from '../../src/audit/capture-writer.js';
import { createKey, liveKeys } from '../../src/gateway/keys.js';
import { runGateway, type RunningGateway } from '../../src/gateway/run-gateway.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { startMockLlm, type MockLlm } from '../support/mock-llm.js';

/**
 * Issues 20 and 21: the gateway captures, for the model-selection audit, the requests of a workflow that
 * opted in (`audit_capture`), with the answer as the client received it and the provider's usage block, in
 * the capture format `audit sample` reads; requests of any other workflow are not captured.
 */
let db: Db;
let mock: MockLlm;
let gw: RunningGateway;
let dir: string;
let anthropic: Anthropic;
let openai: OpenAI;
const pending: Promise<CaptureOutcome>[] = [];

const OPT_IN: CaptureOptIn[] = [
  { workflow: 'support-bot', sample_rate: 1, retention_days: 7, max_cases_per_day: 1000 },
];

async function captured(): Promise<CaptureRecord[]> {
  await Promise.all(pending);
  const folder = join(dir, 'capture', 'support-bot');
  const out: CaptureRecord[] = [];
  for (const file of await readdir(folder).catch(() => [] as string[])) {
    for (const line of (await readFile(join(folder, file), 'utf8')).split('\n').filter(Boolean)) {
      const parsed = parseCaptureLine(line);
      if (!parsed.ok) throw new Error(`${file}: ${parsed.message}`);
      out.push(parsed.record);
    }
  }
  return out;
}

beforeAll(async () => {
  db = await openStore(':memory:');
  const { key } = await createKey(db, {
    team: 'payments',
    models: null,
    person: null,
    workflow: 'support-bot',
    workloadType: 'triage',
    expiresAt: null,
    sandbox: false,
    budgetUsd: null,
    alertAt: null,
    capUsd: null,
  });
  mock = await startMockLlm();
  dir = await mkdtemp(join(tmpdir(), 'mileage-gw-capture-'));
  const writer = new CaptureWriter(join(dir, 'capture'), OPT_IN);
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
    capture: {
      wants: (w) => w === 'support-bot',
      writer: {
        append: (input) => {
          const p = writer.append(input);
          pending.push(p);
          return p;
        },
      },
    },
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

describe('sampled capture of an opted-in workflow through the gateway', () => {
  it('captures every API, streamed and not, with the answer the client got and the usage block', async () => {
    const msg = await anthropic.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'alert 1: disk full' }],
    });
    let streamed = '';
    const stream = anthropic.messages.stream({
      model: 'claude-sonnet-4-6',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'alert 2: cpu' }],
    });
    stream.on('text', (t) => (streamed += t));
    await stream.finalMessage();
    const chat = await openai.chat.completions.create({
      model: 'gpt-5-mini',
      messages: [{ role: 'user', content: 'alert 3' }],
    });
    const chunks = await openai.chat.completions.create({
      model: 'gpt-5-mini',
      messages: [{ role: 'user', content: 'alert 4' }],
      stream: true,
    });
    let chatStreamed = '';
    for await (const c of chunks) chatStreamed += c.choices[0]?.delta.content ?? '';
    const resp = await openai.responses.create({ model: 'gpt-5', input: 'alert 5' });
    const rstream = await openai.responses.create({ model: 'gpt-5', input: 'alert 6', stream: true });
    let respStreamed = '';
    for await (const e of rstream) if (e.type === 'response.output_text.delta') respStreamed += e.delta;

    const records = await captured();
    expect(records).toHaveLength(6);
    const byPrompt = (text: string) =>
      records.find((r) => JSON.stringify(r.request).includes(text)) ?? expect.fail(`no capture of ${text}`);
    const a1 = byPrompt('alert 1');
    expect(a1).toMatchObject({
      workflow: 'support-bot',
      format: 'anthropic-messages',
      model: 'claude-sonnet-4-6',
    });
    expect(a1.answer).toBe(msg.content.map((b) => (b.type === 'text' ? b.text : '')).join(''));
    expect(a1.usage.output_tokens).toBe(msg.usage.output_tokens);
    const a2 = byPrompt('alert 2');
    expect(a2.answer).toBe(streamed);
    expect(a2.usage.input_tokens).toBeGreaterThan(0);
    expect(a2.usage.output_tokens).toBeGreaterThan(0);
    expect(byPrompt('alert 3')).toMatchObject({
      format: 'openai-chat',
      answer: chat.choices[0]?.message.content,
    });
    const a4 = byPrompt('alert 4');
    expect(a4.answer).toBe(chatStreamed);
    expect(a4.usage.completion_tokens).toBeGreaterThan(0);
    // The client's own request is captured as it sent it: not the include_usage the gateway added upstream.
    expect(a4.request.stream_options).toBeUndefined();
    expect(byPrompt('alert 5')).toMatchObject({ format: 'openai-responses', answer: resp.output_text });
    expect(byPrompt('alert 6').answer).toBe(respStreamed);
  });

  it('captures nothing of a workflow that did not opt in', async () => {
    const before = (await captured()).length;
    await anthropic.messages.create(
      { model: 'claude-sonnet-4-6', max_tokens: 8, messages: [{ role: 'user', content: 'nightly job' }] },
      { headers: { 'x-mileage-workflow': 'nightly' } },
    );
    expect(await captured()).toHaveLength(before);
  });
});
