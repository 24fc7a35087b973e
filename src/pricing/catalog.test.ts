import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { GENAI_PRICES_VERSION, listCatalogModels, resolveListPrice } from './catalog.js';

const JULY = new Date('2026-07-02T09:14:05Z');

function mtok(price: ReturnType<typeof resolveListPrice>) {
  if (!price) throw new Error('expected a price');
  const p = price.prices;
  return [p.inputMtok, p.outputMtok, p.cacheReadMtok, p.cacheWriteMtok].map((v) => v?.toString() ?? null);
}

describe('resolveListPrice', () => {
  it('finds the model ids other modules use, with decimal prices from the bundled tables', () => {
    const sonnet = resolveListPrice('anthropic', 'claude-sonnet-4-6', JULY);
    expect(sonnet?.ref).toBe(`genai-prices@${GENAI_PRICES_VERSION}:anthropic/claude-sonnet-4-6`);
    expect(GENAI_PRICES_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(mtok(sonnet)).toEqual(['3', '15', '0.3', '3.75']);
    expect(mtok(resolveListPrice('anthropic', 'claude-opus-4-1-20250805', JULY))).toEqual([
      '15',
      '75',
      '1.5',
      '18.75',
    ]);
    expect(mtok(resolveListPrice('anthropic', 'claude-haiku-4-5', JULY))).toEqual(['1', '5', '0.1', '1.25']);
    expect(mtok(resolveListPrice('openai', 'gpt-5', JULY))).toEqual(['1.25', '10', '0.125', null]);
    expect(mtok(resolveListPrice('openai', 'gpt-4.1-mini', JULY))).toEqual(['0.4', '1.6', '0.1', null]);
    expect(mtok(resolveListPrice('google', 'gemini-2.5-pro', JULY))).toEqual(['1.25', '10', '0.125', null]);
    expect(resolveListPrice(null, 'claude-opus-4-1', JULY)?.model).toBe('claude-opus-4-1');
    expect(resolveListPrice(null, 'claude-haiku-4-5-20251001', JULY)?.model).toBe('claude-haiku-4-5');
  });

  it('prices Opus 4.1 at 15x Haiku 4.5 for every token kind (the demo relies on it)', () => {
    const opus = resolveListPrice('anthropic', 'claude-opus-4-1', JULY)!.prices;
    const haiku = resolveListPrice('anthropic', 'claude-haiku-4-5', JULY)!.prices;
    expect(opus.inputMtok.div(haiku.inputMtok).toString()).toBe('15');
    expect(opus.outputMtok.div(haiku.outputMtok).toString()).toBe('15');
    expect(opus.cacheReadMtok!.div(haiku.cacheReadMtok!).toString()).toBe('15');
    expect(opus.cacheWriteMtok!.div(haiku.cacheWriteMtok!).toString()).toBe('15');
  });

  it('takes the price in force at the event: o3 was cut on 2025-06-10 (00:00 UTC)', () => {
    expect(mtok(resolveListPrice('openai', 'o3', new Date('2025-06-09T23:59:59Z')))).toEqual([
      '10',
      '40',
      '0.5',
      null,
    ]);
    expect(mtok(resolveListPrice('openai', 'o3', new Date('2025-06-10T00:00:00Z')))).toEqual([
      '2',
      '8',
      '0.5',
      null,
    ]);
  });

  it('keeps the long-context tier while it was in force: Sonnet 4.6 before and after 2026-03-13', () => {
    const before = resolveListPrice('anthropic', 'claude-sonnet-4-6', new Date('2026-03-12T12:00:00Z'));
    expect(before?.tierThreshold).toBe(200_000);
    expect(before?.tier?.inputMtok.toString()).toBe('6');
    expect(before?.tier?.outputMtok.toString()).toBe('22.5');
    expect(before?.tier?.cacheReadMtok?.toString()).toBe('0.6');
    expect(before?.tier?.cacheWriteMtok?.toString()).toBe('7.5');
    const after = resolveListPrice('anthropic', 'claude-sonnet-4-6', new Date('2026-03-13T00:00:00Z'));
    expect(after?.tierThreshold).toBeNull();
    expect(after?.tier).toBeNull();
  });

  it('maps our provider names and vendor spellings of model ids', () => {
    expect(
      resolveListPrice('aws-bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', JULY)?.provider,
    ).toBe('aws');
    expect(resolveListPrice(null, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', JULY)?.provider).toBe(
      'aws',
    );
    expect(resolveListPrice(null, 'anthropic/claude-sonnet-4-6', JULY)?.ref).toMatch(
      /:anthropic\/claude-sonnet-4-6$/,
    );
    expect(resolveListPrice(null, 'openai/gpt-5', JULY)?.ref).toMatch(/:openai\/gpt-5$/);
    expect(resolveListPrice('google', 'models/gemini-2.5-pro', JULY)?.model).toBe('gemini-2.5-pro');
    expect(resolveListPrice('gemini', 'gemini-2.5-pro', JULY)?.provider).toBe('google');
    expect(resolveListPrice('vertex', 'claude-opus-4-1@20250805', JULY)?.provider).toBe('google');
    expect(resolveListPrice('azure-openai', 'gpt-4.1-mini', JULY)?.provider).toBe('azure');
    expect(resolveListPrice('anthropic', 'claude-sonnet-4-6[1m]', JULY)?.model).toBe('claude-sonnet-4-6');
    expect(resolveListPrice('openai', 'gpt-5-2025-08-07', JULY)?.model).toBe('gpt-5');
  });

  it('prices Copilot usage (provider github, dotted Claude versions) at the vendor list price', () => {
    const at = new Date('2026-03-20T07:00:00Z');
    expect(resolveListPrice('github', 'claude-sonnet-4.5', at)?.ref).toMatch(
      /:anthropic\/claude-sonnet-4-5$/,
    );
    expect(resolveListPrice('github', 'gpt-5-mini', at)?.ref).toMatch(/:openai\/gpt-5-mini$/);
  });

  it('returns null for unknown models, unknown providers and tables without a token price', () => {
    expect(resolveListPrice(null, 'acme-support-ft-v3', JULY)).toBeNull();
    expect(resolveListPrice('anthropic', 'gemini-2.5-pro', JULY)).toBeNull();
    expect(resolveListPrice('self-hosted', 'gpt-oss-120b', JULY)).toBeNull();
    expect(resolveListPrice('google', 'gemma-3', JULY)).toBeNull(); // genai-prices lists it with an empty table
  });

  it('memoises per day but returns the same price object, and is exact across days', () => {
    const a = resolveListPrice('anthropic', 'claude-sonnet-4-6', JULY);
    const b = resolveListPrice('anthropic', 'claude-sonnet-4-6', new Date('2026-07-02T23:59:59Z'));
    const c = resolveListPrice('anthropic', 'claude-sonnet-4-6', new Date('2026-07-09T10:00:00Z'));
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(resolveListPrice(null, 'acme-support-ft-v3', JULY)).toBeNull();
  });

  it('does not memoise time-of-day prices per day (DeepSeek off-peak)', () => {
    const peak = resolveListPrice('deepseek', 'deepseek-chat', new Date('2026-07-02T08:00:00Z'));
    const offPeak = resolveListPrice('deepseek', 'deepseek-chat', new Date('2026-07-02T20:00:00Z'));
    expect(peak?.prices.inputMtok.toString()).toBe('0.27');
    expect(offPeak?.prices.inputMtok.toString()).toBe('0.135');
  });

  it('agrees with genai-prices on the amount (within float error)', () => {
    // genai-prices counts input as the total including cache reads and writes.
    const usage = {
      input_tokens: 4 + 1820 + 45211,
      cache_write_tokens: 1820,
      cache_read_tokens: 45211,
      output_tokens: 412,
    };
    const theirs = calcPrice(usage, 'claude-sonnet-4-6', { providerId: 'anthropic', timestamp: JULY });
    expect(theirs?.total_price).toBeCloseTo(0.0265803, 12);
  });

  it('rejects an invalid date', () => {
    expect(() => resolveListPrice('anthropic', 'claude-sonnet-4-6', new Date('nope'))).toThrow(RangeError);
  });
});

describe('listCatalogModels', () => {
  it('lists ids that resolve to themselves', () => {
    const anthropic = listCatalogModels('anthropic');
    expect(anthropic).toContain('claude-opus-4-1');
    expect(anthropic).toContain('claude-haiku-4-5');
    // genai-prices' internal id for regional Bedrock Sonnet 4.6 is not what any request carries.
    expect(listCatalogModels('aws-bedrock')).not.toContain('regional.anthropic.claude-sonnet-4-6-v1:0');
    expect(listCatalogModels('aws-bedrock')).toContain('global.anthropic.claude-sonnet-4-6-v1:0');
    const all = listCatalogModels();
    expect(all).toContain('gpt-5');
    expect(all).toContain('gemini-2.5-pro');
    expect(all).not.toContain('gemma-3');
  });
});
