import { describe, expect, it } from 'vitest';
import { usd } from '../domain/money.js';
import { spendBy } from './query.js';
import { modelMix } from './spend-series.js';
import { ORG, buildStore, context, usage } from './testing/fixture.js';

/** A month with one request and a Copilot seat for Ana: the seat has no model, being a charge, not a request. */
async function store() {
  return buildStore(
    {
      ...ORG,
      seats: [
        {
          tool: 'copilot',
          plan: 'business',
          monthlyPrice: usd(19),
          assignees: ['ana'],
          from: null,
          until: null,
        },
      ],
    },
    [usage({ day: '2026-07-06', id: 'r1', cost: '2.50', actor: 'ana@acme.com', tokens: { input: 1000 } })],
    [],
  );
}

describe('a seat charge in the model dimension', () => {
  it('is labelled as its tool\'s seats, never as a model named "unknown"', async () => {
    const ctx = context(await store(), '2026-07-01', '2026-08-01');
    const groups = await spendBy(ctx, 'model');
    expect(groups.map((g) => g.label).sort()).toEqual(['claude-sonnet-4-6', 'seats · copilot']);
    const mix = await modelMix(ctx);
    const models = new Set(mix.rows.map((r) => r.label));
    expect(models.has('seats · copilot')).toBe(true);
    expect(models.has('unknown')).toBe(false);
  });
});
