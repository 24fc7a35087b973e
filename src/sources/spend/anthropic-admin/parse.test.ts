import { describe, expect, it } from 'vitest';
import { parseAnthropicCostReport, parseAnthropicUsageReport } from './parse.js';

const ctx = { file: 'page.json', org: 'acme' };

describe('Anthropic Admin API reports', () => {
  it('usage report: one record per bucket and group, uncached input and 5m+1h cache writes', () => {
    const page = {
      data: [
        {
          starting_at: '2026-07-01T00:00:00Z',
          ending_at: '2026-07-02T00:00:00Z',
          results: [
            {
              account_id: null,
              api_key_id: 'apikey_01TestKeyA',
              workspace_id: 'wrkspc_01TestWs',
              model: 'claude-sonnet-4-6',
              service_tier: 'standard',
              context_window: '0-200k',
              uncached_input_tokens: 183220,
              cache_read_input_tokens: 9120433,
              cache_creation: { ephemeral_5m_input_tokens: 402118, ephemeral_1h_input_tokens: 10 },
              output_tokens: 211907,
            },
          ],
        },
        { starting_at: '2026-07-02T00:00:00Z', ending_at: '2026-07-03T00:00:00Z', results: [] },
      ],
      has_more: false,
      next_page: null,
    };
    const { records, problems } = parseAnthropicUsageReport(page, ctx);
    expect(problems).toEqual([]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      stream: 'anthropic:acme:wrkspc_01TestWs',
      granularity: 'day',
      model: 'claude-sonnet-4-6',
      tokens: { input: 183220, cacheRead: 9120433, cacheWrite: 402128, output: 211907, reasoning: 0 },
      cost: { amount: null, basis: 'list_estimate' },
      hints: { keyId: 'apikey_01TestKeyA', workspace: 'wrkspc_01TestWs' },
    });
  });

  it('cost report: cents as decimal strings become exact dollars, billed', () => {
    const page = {
      data: [
        {
          starting_at: '2026-07-01T00:00:00Z',
          ending_at: '2026-07-02T00:00:00Z',
          results: [
            {
              amount: '54.966',
              currency: 'USD',
              workspace_id: 'wrkspc_01TestWs',
              description: 'Input',
              model: 'claude-sonnet-4-6',
              token_type: 'uncached_input_tokens',
            },
            {
              amount: '273.613',
              currency: 'USD',
              workspace_id: 'wrkspc_01TestWs',
              description: 'Cache Read',
              model: 'claude-sonnet-4-6',
              token_type: 'cache_read_input_tokens',
            },
            { amount: 'lots', currency: 'USD', workspace_id: null },
          ],
        },
      ],
    };
    const { records, problems } = parseAnthropicCostReport(page, ctx);
    expect(records.map((r) => r.cost.amount?.toString())).toEqual(['0.54966', '2.73613']);
    expect(records.every((r) => r.cost.basis === 'billed')).toBe(true);
    expect(problems).toEqual([
      {
        file: 'page.json',
        line: null,
        field: 'data[0].results[2].amount',
        message: 'expected a decimal string of cents',
      },
    ]);
  });

  it('a page that is not a report is one problem, not a crash', () => {
    expect(parseAnthropicUsageReport({ error: 'nope' }, ctx).problems).toHaveLength(1);
  });
});
