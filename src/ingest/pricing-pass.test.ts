import { describe, expect, it } from 'vitest';
import { recordId } from '../domain/ids.js';
import { usd } from '../domain/money.js';
import type { PriceOverride } from '../domain/prices.js';
import type { UsageRecord } from '../domain/usage.js';
import { PriceBook } from '../pricing/price-book.js';
import { openStore } from '../store/open.js';
import { pricingPass } from './pricing-pass.js';

const record = (model: string): UsageRecord => ({
  id: recordId('t', model),
  source: 't',
  stream: 's',
  granularity: 'request',
  start: new Date('2026-07-02T09:14:05Z'),
  end: new Date('2026-07-02T09:14:05Z'),
  tool: 'claude-code',
  provider: 'anthropic',
  model,
  tokens: { input: 4, cacheRead: 45211, cacheWrite: 1820, output: 412, reasoning: 0 },
  requests: 1,
  cost: { amount: null, basis: 'list_estimate', priceRef: null },
  hints: {},
});

const costs = async (db: Awaited<ReturnType<typeof openStore>>) =>
  (await db.query('SELECT model, CAST(cost AS VARCHAR) AS cost FROM usage ORDER BY model')).map((r) => [
    r.model,
    r.cost,
  ]);

describe('pricing pass', () => {
  it('prices list estimates in exact decimal and re-prices after overrides change', async () => {
    const db = await openStore(':memory:');
    await db.appendUsage([record('claude-sonnet-4-6'), record('acme-ft')]);
    await pricingPass(db, new PriceBook([]));
    // 4×3 + 45,211×0.30 + 1,820×3.75 + 412×15, per million tokens (the worked example of the pricing tests).
    expect(await costs(db)).toEqual([
      ['acme-ft', null],
      ['claude-sonnet-4-6', '0.0265803000'],
    ]);
    const custom: PriceOverride = {
      kind: 'model_price',
      provider: null,
      model: 'acme-ft',
      prices: { inputMtok: usd('1'), outputMtok: usd('2'), cacheReadMtok: null, cacheWriteMtok: null },
      from: null,
      until: null,
    };
    await pricingPass(db, new PriceBook([custom]), true);
    expect((await costs(db))[0]?.[1]).not.toBeNull();
    await pricingPass(db, new PriceBook([]), true);
    expect((await costs(db))[0]).toEqual(['acme-ft', null]);
    await db.close();
  });
});
