import { describe, expect, it } from 'vitest';
import { usd } from '../domain/money.js';
import { NO_TOKENS, type UsageRecord } from '../domain/usage.js';
import { Budgets, listCost, type BudgetAlert } from './budgets.js';
import type { KeyEntry } from './key-spec.js';

const key = (over: Partial<KeyEntry>): KeyEntry => ({
  id: 'key_1',
  hash: 'h',
  team: 'payments',
  person: null,
  workflow: 'bot',
  workloadType: null,
  models: null,
  expiresAt: null,
  sandbox: false,
  budgetUsd: null,
  alertAt: null,
  capUsd: null,
  ...over,
});

const at = (iso: string, model = 'priced'): UsageRecord => ({
  id: iso,
  source: 'gateway',
  stream: null,
  granularity: 'request',
  start: new Date(iso),
  end: new Date(iso),
  tool: null,
  provider: 'anthropic',
  model,
  tokens: NO_TOKENS,
  requests: 1,
  cost: { amount: null, basis: 'list_estimate', priceRef: null },
  hints: {},
});

/** Every priced request costs $10; the model `mystery` has no price. */
const tenDollars = (r: UsageRecord) => (r.model === 'mystery' ? null : usd('10'));

describe('soft budgets and sandbox caps', () => {
  it('alerts once per threshold and month, never blocks, and counts unpriced requests apart', () => {
    const alerts: BudgetAlert[] = [];
    const budgets = new Budgets((a) => alerts.push(a), tenDollars);
    const k = key({ budgetUsd: '30' });
    for (const day of ['01', '02', '03', '04', '05']) budgets.add(k, at(`2026-12-${day}T10:00:00Z`));
    budgets.add(k, at('2026-12-06T10:00:00Z', 'mystery'));
    expect(alerts.map((a) => [a.percent, a.spentUsd])).toEqual([
      [50, '20.00'],
      [80, '30.00'],
      [100, '30.00'],
    ]);
    expect(budgets.capped(k, new Date('2026-12-07T00:00:00Z'))).toBe(false);
    // A new month starts from zero and alerts again.
    budgets.add(k, at('2027-01-01T00:00:00Z'));
    budgets.add(k, at('2027-01-01T00:01:00Z'));
    expect(alerts.at(-1)).toMatchObject({ month: '2027-01', percent: 50 });
  });

  it('blocks a sandbox key once its month reaches the cap, and only a sandbox key', () => {
    const budgets = new Budgets(() => undefined, tenDollars);
    const sandbox = key({ sandbox: true, capUsd: '15' });
    const now = new Date('2026-12-10T00:00:00Z');
    budgets.add(sandbox, at('2026-12-09T00:00:00Z'));
    expect(budgets.capped(sandbox, now)).toBe(false);
    budgets.add(sandbox, at('2026-12-09T01:00:00Z'));
    expect(budgets.capped(sandbox, now)).toBe(true);
    expect(budgets.capped(key({ capUsd: '0' }), now)).toBe(false);
  });

  it('prices at list with genai-prices, and an unknown model as unpriced', () => {
    const r = {
      ...at('2026-12-01T00:00:00Z', 'claude-sonnet-4-6'),
      tokens: { ...NO_TOKENS, input: 1_000_000 },
    };
    expect(listCost(r)?.toString()).toBe('3');
    expect(listCost(at('2026-12-01T00:00:00Z', 'no-such-model-xyz'))).toBeNull();
  });
});
