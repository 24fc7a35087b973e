import { describe, expect, it } from 'vitest';
import { openStore } from '../../../store/open.js';
import { parseCopilotPremiumUsage } from './parse.js';

/** A day of premium-request billing as GitHub documents it (reference §7.4): Opus at a 10x multiplier
 * and a model at 0.33x make fractional quantities; the plan includes 30 of them. */
const page = {
  timePeriod: { year: 2026, month: 7, day: 2 },
  organization: 'acme',
  usageItems: [
    {
      product: 'copilot',
      sku: 'copilot_premium_request',
      model: 'claude-sonnet-4.5',
      unitType: 'requests',
      pricePerUnit: 0.04,
      grossQuantity: 40.5,
      grossAmount: 1.62,
      discountQuantity: 30,
      discountAmount: 1.2,
      netQuantity: 10.5,
      netAmount: 0.42,
    },
    {
      product: 'copilot',
      sku: 'copilot_premium_request',
      model: 'gpt-5-mini',
      unitType: 'requests',
      pricePerUnit: 0.04,
      grossQuantity: 0.33,
      grossAmount: 0.0132,
      discountQuantity: 0.33,
      discountAmount: 0.0132,
      netQuantity: 0,
      netAmount: 0,
    },
  ],
};

describe('Copilot premium-request billing', () => {
  it('keeps fractional quantities exact: 40.5 and 0.33 premium requests, never rounded into a request count', () => {
    const parsed = parseCopilotPremiumUsage(page, { file: 'premium', org: 'acme', day: '2026-07-02' });
    expect(parsed.problems).toEqual([]);
    expect(
      parsed.records.map((r) => ({
        model: r.model,
        units: r.units,
        requests: r.requests,
        cost: r.cost.amount?.toString(),
        ref: r.cost.priceRef,
      })),
    ).toEqual([
      {
        model: 'claude-sonnet-4.5',
        units: { premiumRequests: '40.5' },
        requests: 0,
        cost: '0.42',
        ref: 'copilot-premium-requests:40.5 (net 10.5)',
      },
      {
        model: 'gpt-5-mini',
        units: { premiumRequests: '0.33' },
        requests: 0,
        cost: '0',
        ref: 'copilot-premium-requests:0.33 (net 0)',
      },
    ]);
  });

  it('the stored row still says 40.5 (price reference) and the billed dollars exactly', async () => {
    const db = await openStore(':memory:');
    try {
      const parsed = parseCopilotPremiumUsage(page, { file: 'premium', org: 'acme', day: '2026-07-02' });
      await db.appendUsage(parsed.records);
      const rows = await db.query(
        "SELECT model, requests, CAST(cost AS VARCHAR) AS cost, price_ref FROM usage WHERE model = 'claude-sonnet-4.5'",
      );
      expect(rows).toEqual([
        {
          model: 'claude-sonnet-4.5',
          requests: 0,
          cost: '0.4200000000',
          price_ref: 'copilot-premium-requests:40.5 (net 10.5)',
        },
      ]);
    } finally {
      await db.close();
    }
  });
});
