import { describe, expect, it } from 'vitest';
import { usd } from '../domain/money.js';
import type { PriceOverride } from '../domain/prices.js';
import { GENAI_PRICES_VERSION } from './catalog.js';
import { explainDay } from './explain-day.js';
import { explainRecord, type ExplainInput } from './explain.js';
import { PriceBook } from './price-book.js';
import { describePriceSource, priceSourceOf } from './price-source.js';

const AT = new Date('2026-07-02T09:14:05Z');

function input(patch: Partial<ExplainInput> = {}): ExplainInput {
  return {
    id: 'r1',
    source: 'claude-code-logs',
    granularity: 'request',
    start: AT,
    day: '2026-07-02',
    provider: 'anthropic',
    model: 'claude-haiku-4-5',
    requests: 1,
    tokens: { input: 1000, cacheRead: 0, cacheWrite: 0, output: 1000, reasoning: 0 },
    serverTools: {},
    billing: {},
    unknown: [],
    basis: 'list_estimate',
    cost: usd('0.006'),
    estimate: usd('0.006'),
    priceRef: null,
    ...patch,
  };
}

describe('price sources in words', () => {
  it.each([
    [
      `genai-prices@${GENAI_PRICES_VERSION}:anthropic/claude-haiku-4-5`,
      `price library genai-prices ${GENAI_PRICES_VERSION}, table anthropic/claude-haiku-4-5`,
    ],
    [
      'override:discount:anthropic:15%+genai-prices@0.1.8:anthropic/claude-haiku-4-5',
      'mileage.yaml price_overrides: 15% off anthropic, on the price library genai-prices 0.1.8, table anthropic/claude-haiku-4-5',
    ],
    ['override:model:acme-ft', "mileage.yaml price_overrides: the org's price for acme-ft"],
    [
      'github-premium-requests:40.5@0.04 (github-list)',
      "GitHub Copilot premium requests: 40.5 at $0.04 (GitHub's list price)",
    ],
    [
      'github-ai-credits:75.7908@0.01',
      "GitHub Copilot AI credits: 75.7908 credits at $0.01 (GitHub's published rate)",
    ],
    ['litellm.spend', 'reported by the source (litellm.spend)'],
  ])('%s', (ref, words) => {
    expect(describePriceSource(priceSourceOf(ref))).toBe(words);
  });
});

describe('explainRecord', () => {
  it('a discount from mileage.yaml: the source names the override and the list it discounts', () => {
    const discount: PriceOverride = {
      kind: 'discount',
      provider: 'anthropic',
      percent: usd('0.15'),
      from: null,
      until: null,
    };
    const e = explainRecord(new PriceBook([discount]), input({ cost: usd('0.0051') }));
    expect(e.price?.source).toMatch(
      /^mileage\.yaml price_overrides: 15% off anthropic, on the price library/,
    );
    // Haiku 4.5: input 1, output 5 per million; 15% off.
    expect(e.lines.find((l) => l.dimension === 'input')).toMatchObject({
      unitPrice: '0.85',
      amount: '0.00085',
    });
    expect(e.listEstimate).toBe('0.0051');
    expect(e.stale).toBe(false);
  });

  it('batch: the published factor, its source and the arithmetic through it', () => {
    const e = explainRecord(new PriceBook(), input({ billing: { batch: true }, cost: usd('0.003') }));
    expect(e.factors).toEqual([
      {
        dimension: 'batch',
        value: 'true',
        factor: '0.5',
        source: 'published by the provider: anthropic batch 50%',
      },
    ]);
    expect(e.arithmetic.slice(-3)).toEqual([
      'subtotal = $0.006',
      '× 0.5 (batch true) = $0.003',
      'total = $0.003',
    ]);
  });

  it('a stored estimate at other prices is flagged stale', () => {
    expect(explainRecord(new PriceBook(), input({ cost: usd('0.007') })).stale).toBe(true);
    expect(explainRecord(new PriceBook(), input({ cost: null })).stale).toBe(true);
  });

  it('an unknown model: unpriced with the reason, no lines invented', () => {
    const e = explainRecord(
      new PriceBook(),
      input({ model: 'acme-ft', provider: 'self-hosted', cost: null }),
    );
    expect(e.price).toBeNull();
    expect(e.listEstimate).toBeNull();
    expect(e.unpriced[0]).toMatch(/no price for self-hosted\/acme-ft on 2026-07-02/);
    expect(e.arithmetic.at(-1)).toMatch(/^total: unpriced/);
  });

  it('Copilot premium requests: the vendor cost with its own arithmetic, fractional quantities exact', () => {
    const e = explainRecord(
      new PriceBook(),
      input({
        source: 'copilot-cli-logs',
        provider: 'github',
        model: 'claude-sonnet-4.5',
        basis: 'provider_reported',
        cost: usd('1.62'),
        estimate: null,
        priceRef: 'github-premium-requests:40.5@0.04 (github-list)',
      }),
    );
    expect(e.costSource).toBe(
      "GitHub Copilot premium requests: 40.5 at $0.04 (GitHub's list price); basis provider_reported",
    );
    expect(e.costArithmetic).toEqual(['40.5 premium requests × $0.04 = $1.62']);
  });

  it('dimensions the stored row does not know are marked, not silently zero', () => {
    const e = explainRecord(
      new PriceBook(),
      input({
        tokens: { input: 10, cacheRead: 0, cacheWrite: 500, output: 0, reasoning: 0 },
        unknown: ['cache write 1h'],
      }),
    );
    expect(e.lines.find((l) => l.dimension === 'cache write 1h')?.status).toBe('unknown');
    expect(e.unknown).toEqual(['cache write 1h']);
  });
});

describe('explainDay', () => {
  it('groups records priced alike; each group’s lines and total are exactly the sum of its records', () => {
    const book = new PriceBook();
    const records = [
      input({ id: 'a', tokens: { input: 333, cacheRead: 1, cacheWrite: 7, output: 11, reasoning: 0 } }),
      input({ id: 'b', tokens: { input: 1, cacheRead: 999, cacheWrite: 3, output: 13, reasoning: 0 } }),
      input({ id: 'c', billing: { batch: true } }),
    ].map((r) => explainRecord(book, r));
    const day = explainDay('claude-haiku-4-5', '2026-07-02', records);
    expect(day.groups.map((g) => g.records)).toEqual([2, 1]);
    const [plain] = day.groups;
    expect(plain?.lines.find((l) => l.dimension === 'input')?.quantity).toBe(334);
    const sum = records
      .slice(0, 2)
      .reduce((a, r) => a.plus(r.listEstimate ?? 'NaN'), usd(0))
      .toFixed();
    expect(plain?.listEstimate).toBe(sum);
    expect(day.listEstimate).toBe(
      usd(sum)
        .plus(records[2]?.listEstimate ?? 'NaN')
        .toFixed(),
    );
    expect(day.top.map((t) => t.id).sort()).toEqual(['a', 'b', 'c']);
    expect(day.overlap).toBeNull();
  });
});
