import { describe, expect, it } from 'vitest';
import { usd } from '../domain/money.js';
import type { PriceOverride } from '../domain/prices.js';
import type { TokenCounts } from '../domain/usage.js';
import { GENAI_PRICES_VERSION } from './catalog.js';
import { PriceBook } from './price-book.js';

const AT = new Date('2026-07-02T09:14:05Z');
const TOKENS: TokenCounts = { input: 1000, cacheRead: 0, cacheWrite: 0, output: 1000, reasoning: 0 };

const overrides: PriceOverride[] = [
  { kind: 'discount', provider: 'anthropic', percent: usd('0.15'), from: '2026-07-01', until: null },
  {
    kind: 'model_price',
    provider: 'self-hosted',
    model: 'acme-support-ft-v3',
    prices: { inputMtok: usd('0.4'), outputMtok: usd('1.6'), cacheReadMtok: null, cacheWriteMtok: null },
    from: null,
    until: null,
  },
];

describe('PriceBook', () => {
  it('estimates at list price with the ref of the table', () => {
    const cost = new PriceBook([]).estimate('anthropic', 'claude-haiku-4-5', AT, TOKENS);
    expect(cost.basis).toBe('list_estimate');
    expect(cost.amount?.toString()).toBe('0.006'); // 1000 × 1 + 1000 × 5, per million
    expect(cost.priceRef).toBe(`genai-prices@${GENAI_PRICES_VERSION}:anthropic/claude-haiku-4-5`);
  });

  it('never estimates an unknown model at $0', () => {
    const book = new PriceBook([]);
    for (const cost of [
      book.estimate(null, 'acme-support-ft-v3', AT, TOKENS),
      book.estimate('self-hosted', 'gpt-oss-120b', AT, TOKENS),
      book.estimate('anthropic', null, AT, TOKENS),
    ]) {
      expect(cost).toEqual({ amount: null, basis: 'list_estimate', priceRef: null });
    }
  });

  it('applies overrides: a discount and a model price', () => {
    const book = new PriceBook(overrides);
    const haiku = book.estimate('anthropic', 'claude-haiku-4-5', AT, TOKENS);
    expect(haiku.amount?.toString()).toBe('0.0051');
    expect(haiku.priceRef).toMatch(/^override:discount:anthropic:15%\+genai-prices@/);
    const before = book.estimate('anthropic', 'claude-haiku-4-5', new Date('2026-06-30T12:00:00Z'), TOKENS);
    expect(before.amount?.toString()).toBe('0.006');
    const acme = book.estimate('self-hosted', 'acme-support-ft-v3', AT, TOKENS);
    expect(acme.amount?.toString()).toBe('0.002');
    expect(acme.priceRef).toBe('override:model:acme-support-ft-v3');
  });

  it('memoises: repeated lookups give the same price object and equal costs', () => {
    const book = new PriceBook(overrides);
    const a = book.resolve('anthropic', 'claude-sonnet-4-6', AT);
    const b = book.resolve('anthropic', 'claude-sonnet-4-6', new Date('2026-07-09T01:00:00Z'));
    expect(b).toBe(a);
    expect(book.resolve('self-hosted', 'acme-support-ft-v3', AT)).toBe(
      book.resolve('self-hosted', 'acme-support-ft-v3', AT),
    );
    const x = book.estimate('anthropic', 'claude-sonnet-4-6', AT, TOKENS);
    const y = book.estimate('anthropic', 'claude-sonnet-4-6', AT, TOKENS);
    expect(x.amount?.equals(y.amount!)).toBe(true);
    expect(x).toEqual(y);
  });

  it('lists catalog models and the org model prices', () => {
    const book = new PriceBook(overrides);
    expect(book.listModels('anthropic')).toContain('claude-opus-4-1');
    expect(book.listModels('anthropic')).not.toContain('acme-support-ft-v3');
    expect(book.listModels('self-hosted')).toEqual(['acme-support-ft-v3']);
    expect(book.listModels()).toContain('acme-support-ft-v3');
  });
});
