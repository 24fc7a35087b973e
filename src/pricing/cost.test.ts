import { describe, expect, it } from 'vitest';
import { usd } from '../domain/money.js';
import type { ResolvedPrice } from '../domain/prices.js';
import type { TokenCounts } from '../domain/usage.js';
import { resolveListPrice } from './catalog.js';
import { costOf as costOrNull } from './cost.js';

const costOf = (...args: Parameters<typeof costOrNull>) => {
  const cost = costOrNull(...args);
  if (cost === null) throw new Error('unpriced');
  return cost;
};

const JULY = new Date('2026-07-02T09:14:05Z');

function listPrice(provider: string, model: string, at = JULY): ResolvedPrice {
  const price = resolveListPrice(provider, model, at);
  if (!price) throw new Error(`no list price for ${provider}/${model}`);
  return price;
}

const tokens = (t: Partial<TokenCounts>): TokenCounts => ({
  input: 0,
  cacheRead: 0,
  cacheWrite: 0,
  output: 0,
  reasoning: 0,
  ...t,
});

describe('costOf', () => {
  it('prices a Claude Sonnet 4.6 request exactly, cache reads and writes at their own prices', () => {
    // genai-prices 0.1.8, claude-sonnet-4-6 from 2026-03-13: input 3, cache write 3.75, cache read 0.30,
    // output 15 USD per million tokens.
    const t = tokens({ input: 4, cacheWrite: 1820, cacheRead: 45_211, output: 412, reasoning: 100 });
    const byHand = usd(4)
      .times('3')
      .plus(usd(1820).times('3.75'))
      .plus(usd(45_211).times('0.3'))
      .plus(usd(412).times('15'))
      .div(1_000_000);
    const cost = costOf(listPrice('anthropic', 'claude-sonnet-4-6'), t);
    expect(cost.equals(byHand)).toBe(true);
    expect(cost.toString()).toBe('0.0265803');
  });

  it('does not add reasoning again: it is part of output', () => {
    const price = listPrice('openai', 'gpt-5');
    const withReasoning = costOf(price, tokens({ output: 1000, reasoning: 800 }));
    expect(withReasoning.toString()).toBe('0.01'); // 1000 × 10 / 1e6
  });

  it('prices cache writes at the input price when the vendor lists no cache-write price', () => {
    const price = listPrice('openai', 'gpt-4.1-mini'); // input 0.40, cache read 0.10, no cache write
    expect(price.prices.cacheWriteMtok).toBeNull();
    expect(costOf(price, tokens({ cacheWrite: 1_000_000 })).toString()).toBe('0.4');
    expect(costOf(price, tokens({ cacheRead: 1_000_000 })).toString()).toBe('0.1');
  });

  it('applies the long-context tier to the whole request above the threshold, not at it', () => {
    const price = listPrice('anthropic', 'claude-sonnet-4-5'); // >200k input: 6 / 22.5 / 0.6 / 7.5
    expect(price.tierThreshold).toBe(200_000);
    const atThreshold = tokens({ input: 150_000, cacheRead: 50_000, output: 1000 });
    expect(costOf(price, atThreshold).toString()).toBe(
      usd(150_000).times(3).plus(usd(50_000).times('0.3')).plus(usd(1000).times(15)).div(1e6).toString(),
    );
    const above = tokens({ input: 150_000, cacheRead: 50_000, cacheWrite: 1, output: 1000 });
    expect(costOf(price, above).toString()).toBe(
      usd(150_000)
        .times(6)
        .plus(usd(50_000).times('0.6'))
        .plus(usd(1).times('7.5'))
        .plus(usd(1000).times('22.5'))
        .div(1e6)
        .toString(),
    );
  });

  it('decides the tier of an aggregated record on its mean request', () => {
    const price = listPrice('google', 'gemini-2.5-pro'); // >200k: input 2.5
    const day = tokens({ input: 3_000_000 });
    expect(costOf(price, day, 30).toString()).toBe('3.75'); // 100k per request: base 1.25
    expect(costOf(price, day, 1).toString()).toBe('7.5'); // one 3M request: tier 2.5
  });

  it('is zero for no tokens', () => {
    expect(costOf(listPrice('anthropic', 'claude-haiku-4-5'), tokens({})).isZero()).toBe(true);
  });
});
