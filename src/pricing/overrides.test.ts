import { describe, expect, it } from 'vitest';
import { usd } from '../domain/money.js';
import type { PriceOverride, TokenPrices } from '../domain/prices.js';
import { GENAI_PRICES_VERSION, resolveListPrice } from './catalog.js';
import { applyOverrides, inEffect } from './overrides.js';

const acmePrices: TokenPrices = {
  inputMtok: usd('0.40'),
  outputMtok: usd('1.60'),
  cacheReadMtok: usd('0.04'),
  cacheWriteMtok: null,
};

const discount = (
  percent: string,
  from: string | null,
  until: string | null,
  provider = 'anthropic',
): PriceOverride => ({
  kind: 'discount',
  provider,
  percent: usd(percent),
  from,
  until,
});

const modelPrice = (model: string, from: string | null, provider: string | null = null): PriceOverride => ({
  kind: 'model_price',
  provider,
  model,
  prices: acmePrices,
  from,
  until: null,
});

function priced(overrides: PriceOverride[], provider: string | null, model: string, at: string) {
  const when = new Date(at);
  return applyOverrides(overrides, provider, model, when, resolveListPrice(provider, model, when));
}

describe('inEffect', () => {
  it('is inclusive at from and exclusive at until', () => {
    const o = discount('0.1', '2026-07-01', '2026-08-01');
    expect(inEffect(o, '2026-06-30')).toBe(false);
    expect(inEffect(o, '2026-07-01')).toBe(true);
    expect(inEffect(o, '2026-07-31')).toBe(true);
    expect(inEffect(o, '2026-08-01')).toBe(false);
    expect(inEffect(discount('0.1', null, null), '1999-01-01')).toBe(true);
  });
});

describe('applyOverrides', () => {
  const july = [discount('0.15', '2026-07-01', '2026-08-01')];

  it('discounts a provider within its dates, tier included, and says so in the ref', () => {
    const before = priced(july, 'anthropic', 'claude-sonnet-4-5', '2026-06-30T23:59:59Z');
    expect(before?.prices.inputMtok.toString()).toBe('3');
    expect(before?.ref).toBe(`genai-prices@${GENAI_PRICES_VERSION}:anthropic/claude-sonnet-4-5`);

    const during = priced(july, 'anthropic', 'claude-sonnet-4-5', '2026-07-01T00:00:00Z');
    expect(during?.prices.inputMtok.toString()).toBe('2.55');
    expect(during?.prices.cacheReadMtok?.toString()).toBe('0.255');
    expect(during?.prices.outputMtok.toString()).toBe('12.75');
    expect(during?.tier?.inputMtok.toString()).toBe('5.1');
    expect(during?.ref).toBe(
      `override:discount:anthropic:15%+genai-prices@${GENAI_PRICES_VERSION}:anthropic/claude-sonnet-4-5`,
    );

    expect(
      priced(july, 'anthropic', 'claude-sonnet-4-5', '2026-08-01T00:00:00Z')?.prices.inputMtok.toString(),
    ).toBe('3');
    expect(priced(july, 'openai', 'gpt-5', '2026-07-15T00:00:00Z')?.prices.inputMtok.toString()).toBe('1.25');
  });

  it('matches a discount by price list, whatever name the provider goes by', () => {
    const o = [discount('0.1', null, null, 'bedrock')];
    const p = priced(
      o,
      'aws-bedrock',
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      '2026-07-15T00:00:00Z',
    );
    expect(p?.ref).toMatch(/^override:discount:bedrock:10%\+genai-prices@/);
  });

  it('prices an otherwise unknown model from its model price, within its dates', () => {
    const o = [modelPrice('acme-support-ft-v3', '2026-01-01', 'self-hosted')];
    expect(priced(o, 'self-hosted', 'acme-support-ft-v3', '2025-12-31T12:00:00Z')).toBeNull();
    const p = priced(o, 'self-hosted', 'acme-support-ft-v3', '2026-01-01T00:00:00Z');
    expect(p?.ref).toBe('override:model:acme-support-ft-v3');
    expect(p?.prices).toBe(acmePrices);
    expect(p?.tier).toBeNull();
    expect(priced(o, 'other-host', 'acme-support-ft-v3', '2026-03-01T00:00:00Z')).toBeNull();
  });

  it('covers dated snapshots of the catalog model a model price names', () => {
    const o = [modelPrice('claude-opus-4-1', null)];
    expect(priced(o, 'anthropic', 'claude-opus-4-1-20250805', '2026-07-15T00:00:00Z')?.ref).toBe(
      'override:model:claude-opus-4-1',
    );
  });

  it('lets the latest-starting override win, a model price over a discount on the same start', () => {
    const o = [
      discount('0.10', null, null),
      discount('0.20', '2026-07-01', null),
      modelPrice('claude-haiku-4-5', '2026-06-01'),
    ];
    expect(priced(o, 'anthropic', 'claude-haiku-4-5', '2026-05-15T00:00:00Z')?.ref).toMatch(
      /^override:discount:anthropic:10%/,
    );
    expect(priced(o, 'anthropic', 'claude-haiku-4-5', '2026-06-15T00:00:00Z')?.ref).toBe(
      'override:model:claude-haiku-4-5',
    );
    expect(priced(o, 'anthropic', 'claude-haiku-4-5', '2026-07-15T00:00:00Z')?.ref).toMatch(
      /^override:discount:anthropic:20%/,
    );
    const tie = [discount('0.10', '2026-06-01', null), modelPrice('claude-haiku-4-5', '2026-06-01')];
    expect(priced(tie, 'anthropic', 'claude-haiku-4-5', '2026-06-15T00:00:00Z')?.ref).toBe(
      'override:model:claude-haiku-4-5',
    );
  });

  it('never discounts what has no list price', () => {
    expect(
      priced([discount('0.15', null, null, 'self-hosted')], 'self-hosted', 'acme-x', '2026-07-15T00:00:00Z'),
    ).toBeNull();
  });
});
