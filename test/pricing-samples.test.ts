/**
 * Costs as the provider bills them, on the providers' own documented responses (test/fixtures/pricing,
 * origin in ORIGIN.md) and on scripted edge cases: each record is priced in memory (PriceBook) and by the
 * store's pricing pass (SQL), and both must equal the cost computed by hand from the provider's published
 * price list, written down here with its source.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usd, type Usd } from '../src/domain/money.js';
import type { PriceMultiplier } from '../src/domain/prices.js';
import type { UsageRecord } from '../src/domain/usage.js';
import { pricingPass } from '../src/ingest/pricing-pass.js';
import { PriceBook } from '../src/pricing/price-book.js';
import { parseAnthropicUsageReport } from '../src/sources/spend/anthropic-admin/parse.js';
import { parseOpenAiCompletions } from '../src/sources/spend/openai-admin/parse.js';
import type { Db } from '../src/store/db.js';
import { openStore } from '../src/store/open.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`fixtures/pricing/${name}`, import.meta.url), 'utf8'));

/**
 * Published prices, USD per million tokens (per 1,000 for web searches):
 * - Anthropic, platform.claude.com/docs/en/about-claude/pricing (read 2026-12-07): Claude Sonnet 4 and 4.5 input 3,
 *   5-minute cache write 3.75, 1-hour cache write 6, cache read 0.30, output 15; above 200k input tokens
 *   (long context) input 6, 5m write 7.50, 1h write 12, read 0.60, output 22.50; web search $10 per 1,000
 *   searches; Batch API 50% off every token price.
 * - OpenAI, openai.com/api/pricing (read 2026-12-07): gpt-4o-mini input 0.15, cached input 0.075, output
 *   0.60; Batch API half; gpt-realtime text input 4, cached 0.40, output 16, audio input 32, audio output 64.
 */
const PRICE_LIST = {
  sonnet4: { input: '3', write5m: '3.75', write1h: '6', read: '0.3', output: '15' },
  sonnet4Long: { input: '6', write5m: '7.5', write1h: '12', read: '0.6', output: '22.5' },
  webSearchPerK: '10',
  gpt4oMini: { input: '0.15', cached: '0.075', output: '0.6' },
  gptRealtime: { input: '4', cached: '0.4', output: '16', audioIn: '32', audioOut: '64' },
} as const;

const perM = (tokens: number, price: string): Usd => usd(tokens).times(price).dividedBy(1_000_000);

let db: Db;
beforeAll(async () => {
  db = await openStore(':memory:');
});
afterAll(async () => {
  await db.close();
});

/** The record's cost priced in memory and by the store's pass (stored and read back as text). */
async function bothWays(record: UsageRecord, multipliers: PriceMultiplier[] = []) {
  const book = new PriceBook([], multipliers);
  const memory = book.estimate(record.provider, record.model, record.start, record.tokens, record.requests, {
    serverTools: record.serverTools,
    billing: record.billing,
  }).amount;
  await db.appendUsage([record]);
  await pricingPass(db, book, true);
  const [row] = await db.query('SELECT CAST(cost AS VARCHAR) AS cost FROM usage WHERE id = $id', {
    id: record.id,
  });
  const stored = row?.cost === null || row?.cost === undefined ? null : usd(String(row.cost));
  return { memory: memory?.toFixed(10) ?? null, stored: stored?.toFixed(10) ?? null };
}

function anthropicRow(patch: Record<string, unknown> = {}): UsageRecord {
  const page = fixture('anthropic-usage-report-documented.json') as {
    data: { results: Record<string, unknown>[] }[];
  };
  const result = page.data[0]?.results[0];
  if (!result) throw new Error('fixture has no row');
  Object.assign(result, patch);
  const parsed = parseAnthropicUsageReport(page, { file: 'documented', org: 'acme' });
  expect(parsed.problems).toEqual([]);
  const [record] = parsed.records;
  if (!record) throw new Error('no record');
  return { ...record, id: `${record.id}-${JSON.stringify(patch)}` };
}

describe('Anthropic usage report, the documented row', () => {
  it('reads every dimension as the row states it', () => {
    const r = anthropicRow();
    expect(r.tokens).toEqual({
      input: 1500,
      cacheRead: 200,
      cacheWrite: 1500,
      cacheWrite1h: 1000,
      output: 500,
      reasoning: 0,
    });
    expect(r.serverTools).toEqual({ webSearch: 10 });
    expect(r.billing).toEqual({ serviceTier: 'standard', contextTier: 'base' });
  });

  it('prices at $0.119935: 1h writes at the 1h price and 10 web searches at $10 per 1,000', async () => {
    const p = PRICE_LIST.sonnet4;
    const expected = perM(1500, p.input)
      .plus(perM(200, p.read))
      .plus(perM(500, p.write5m))
      .plus(perM(1000, p.write1h))
      .plus(perM(500, p.output))
      .plus(usd(10).times(PRICE_LIST.webSearchPerK).dividedBy(1000));
    expect(expected.toFixed(6)).toBe('0.119935');
    expect(await bothWays(anthropicRow())).toEqual({
      memory: expected.toFixed(10),
      stored: expected.toFixed(10),
    });
  });

  it('batch: half of every price', async () => {
    const p = PRICE_LIST.sonnet4;
    const tokens = perM(1500, p.input)
      .plus(perM(200, p.read))
      .plus(perM(500, p.write5m))
      .plus(perM(1000, p.write1h))
      .plus(perM(500, p.output))
      .plus(usd(10).times(PRICE_LIST.webSearchPerK).dividedBy(1000));
    const expected = tokens.times('0.5');
    expect(await bothWays(anthropicRow({ service_tier: 'batch' }))).toEqual({
      memory: expected.toFixed(10),
      stored: expected.toFixed(10),
    });
  });

  it('long context on a model whose long-context price the library lacks (Sonnet 4): unpriced, not base', async () => {
    expect(await bothWays(anthropicRow({ context_window: '200k-1M' }))).toEqual({
      memory: null,
      stored: null,
    });
  });

  it('long context (context_window 200k-1M, Sonnet 4.5): the higher tier on every token, though the row is a day', async () => {
    const p = PRICE_LIST.sonnet4Long;
    const expected = perM(1500, p.input)
      .plus(perM(200, p.read))
      .plus(perM(500, p.write5m))
      .plus(perM(1000, p.write1h))
      .plus(perM(500, p.output))
      .plus(usd(10).times(PRICE_LIST.webSearchPerK).dividedBy(1000));
    expect(await bothWays(anthropicRow({ context_window: '200k-1M', model: 'claude-sonnet-4-5' }))).toEqual({
      memory: expected.toFixed(10),
      stored: expected.toFixed(10),
    });
  });

  it('priority tier: unpriced until the org file gives its factor, then list × factor', async () => {
    const row = anthropicRow({ service_tier: 'priority' });
    expect(await bothWays(row)).toEqual({ memory: null, stored: null });
    const p = PRICE_LIST.sonnet4;
    const list = perM(1500, p.input)
      .plus(perM(200, p.read))
      .plus(perM(500, p.write5m))
      .plus(perM(1000, p.write1h))
      .plus(perM(500, p.output))
      .plus(usd(10).times(PRICE_LIST.webSearchPerK).dividedBy(1000));
    const negotiated: PriceMultiplier = {
      provider: 'anthropic',
      dimension: 'serviceTier',
      value: 'priority',
      factor: usd('1.25'),
      source: 'org:price_multipliers[0]',
      from: null,
      until: null,
    };
    const expected = list.times('1.25').toFixed(10);
    expect(await bothWays(row, [negotiated])).toEqual({ memory: expected, stored: expected });
  });
});

function openAiRow(patch: Record<string, unknown> = {}): UsageRecord {
  const page = fixture('openai-usage-completions-documented.json') as {
    data: { results: Record<string, unknown>[] }[];
  };
  const result = page.data[0]?.results[0];
  if (!result) throw new Error('fixture has no row');
  Object.assign(result, patch);
  const parsed = parseOpenAiCompletions(page, { file: 'documented', org: 'acme' });
  expect(parsed.problems).toEqual([]);
  const [record] = parsed.records;
  if (!record) throw new Error('no record');
  return record;
}

describe('OpenAI organisation usage, the documented row', () => {
  it('tokens by kind as the row states them: 5,000 input of which 4,000 cached, 1,000 output', () => {
    expect(openAiRow().tokens).toEqual({
      input: 1000,
      cacheRead: 4000,
      cacheWrite: 0,
      output: 1000,
      reasoning: 0,
    });
  });

  it('prices on the list: uncached input, cached input and output at their own prices', async () => {
    const p = PRICE_LIST.gpt4oMini;
    const expected = perM(1000, p.input).plus(perM(4000, p.cached)).plus(perM(1000, p.output)).toFixed(10);
    expect(await bothWays(openAiRow())).toEqual({ memory: expected, stored: expected });
  });

  it('batch: true is half', async () => {
    const p = PRICE_LIST.gpt4oMini;
    const expected = perM(1000, p.input)
      .plus(perM(4000, p.cached))
      .plus(perM(1000, p.output))
      .times('0.5')
      .toFixed(10);
    expect(await bothWays(openAiRow({ batch: true }))).toEqual({ memory: expected, stored: expected });
  });

  it('audio (older answers count it beside input_tokens): counted, and priced at the audio prices', async () => {
    const r = openAiRow({
      model: 'gpt-realtime',
      input_tokens: 5000,
      input_cached_tokens: 4000,
      input_audio_tokens: 300,
      output_tokens: 1000,
      output_audio_tokens: 200,
    });
    // Text input 5,000 (4,000 cached) + 300 audio; output 1,000 text + 200 audio.
    expect(r.tokens).toEqual({
      input: 1300,
      cacheRead: 4000,
      cacheWrite: 0,
      output: 1200,
      reasoning: 0,
      audioInput: 300,
      audioOutput: 200,
    });
    const p = PRICE_LIST.gptRealtime;
    const expected = perM(1000, p.input)
      .plus(perM(4000, p.cached))
      .plus(perM(300, p.audioIn))
      .plus(perM(1000, p.output))
      .plus(perM(200, p.audioOut))
      .toFixed(10);
    expect(await bothWays({ ...r, id: `${r.id}-audio` })).toEqual({ memory: expected, stored: expected });
  });

  it('audio on a model without audio prices stays unpriced, never priced as text', async () => {
    const r = openAiRow({ model: 'gpt-4o-mini-2024-07-18', input_audio_tokens: 300 });
    expect(await bothWays({ ...r, id: `${r.id}-unpriced-audio` })).toEqual({ memory: null, stored: null });
  });
});
