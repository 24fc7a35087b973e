import { describe, expect, it } from 'vitest';
import { gatewayBudgetCandidate } from './gateway-alert.js';

describe("a gateway key's soft budget as an alert", () => {
  it('keeps the gateway rule (one per key, threshold and month) and names the team, never the key', () => {
    const c = gatewayBudgetCandidate(
      {
        keyId: 'vk-ana-personal',
        team: 'payments',
        workflow: null,
        month: '2026-12',
        percent: 80,
        budgetUsd: '30',
        spentUsd: '24.5',
        unpriced: 2,
      },
      'Payments',
    );
    expect(c).toMatchObject({
      rule: 'gateway.key_budget',
      period: '2026-12',
      level: 80,
      route: 'coach',
      teamId: 'payments',
    });
    expect(c.message.title).toBe('A gateway key of Payments has used 80% of its monthly budget');
    expect(JSON.stringify(c)).not.toContain('vk-ana');
    expect(c.subject).toMatch(/^key-[0-9a-f]{16}$/);
    expect(c.message.evidence).toContainEqual(['unpriced requests', '2 (not in the total)']);
  });
});
