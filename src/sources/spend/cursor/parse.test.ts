import { describe, expect, it } from 'vitest';
import { parseCursorUsageEvents } from './parse.js';

describe('Cursor usage events', () => {
  it('reads epoch-ms strings and string numbers; included usage belongs to the seat, usage-based to the team stream', () => {
    const page = {
      usageEvents: [
        {
          timestamp: '1782900000000',
          model: 'claude-4.5-sonnet',
          kind: 'Usage-based',
          requestsCosts: 1,
          isTokenBasedCall: true,
          tokenUsage: {
            inputTokens: '2210',
            outputTokens: 640,
            cacheWriteTokens: 18000,
            cacheReadTokens: 96000,
            totalCents: 12.4551,
          },
          chargedCents: 13.71,
          userEmail: 'ana@example.com',
        },
        {
          timestamp: '1782899000000',
          model: 'gpt-5',
          kind: 'Included in Business',
          requestsCosts: 1.4,
          isTokenBasedCall: false,
          userEmail: 'ana@example.com',
        },
        { timestamp: 'soon', model: 'gpt-5', kind: 'x' },
      ],
    };
    const { records, problems } = parseCursorUsageEvents(page, { file: 'c.json', team: 'acme' });
    expect(
      records.map((r) => [r.stream, r.provider, r.cost.amount?.toString() ?? null, r.tokens.input]),
    ).toEqual([
      ['cursor:acme', 'anthropic', '0.1371', 2210],
      [null, 'openai', null, 0],
    ]);
    expect(records[0]?.start.toISOString()).toBe('2026-07-01T10:00:00.000Z');
    expect(records[0]?.model).toBe('claude-sonnet-4-5');
    expect(problems.map((p) => p.field)).toEqual(['usageEvents[2].timestamp']);
  });
});
