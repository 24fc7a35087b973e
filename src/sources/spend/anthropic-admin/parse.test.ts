import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAnthropicCostReport, parseAnthropicUsageReport } from './parse.js';

const fixture = (name: string): unknown =>
  JSON.parse(
    readFileSync(new URL(`../../../../test/fixtures/anthropic-admin/${name}`, import.meta.url), 'utf8'),
  );
const ctx = { file: 'page.json', org: 'acme' };

describe('Anthropic usage report', () => {
  it('one record per bucket × result: uncached input, 5m + 1h cache writes, to be priced (§4.1)', () => {
    const { records, problems } = parseAnthropicUsageReport(fixture('usage-report-1d-grouped.json'), ctx);
    expect(problems).toEqual([]);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      source: 'anthropic-usage-report',
      stream: 'anthropic:acme:wrkspc_01TestWs',
      granularity: 'day',
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
      tokens: { input: 183220, cacheRead: 9120433, cacheWrite: 402118, output: 211907, reasoning: 0 },
      cost: { amount: null, basis: 'list_estimate', priceRef: null },
      hints: { keyId: 'apikey_01TestKeyA', workspace: 'wrkspc_01TestWs', actor: undefined },
    });
    expect(records[0]?.start.toISOString()).toBe('2026-07-01T00:00:00.000Z');
    expect(records[0]?.end.toISOString()).toBe('2026-07-02T00:00:00.000Z');
    // A null workspace is the default workspace; a null key is Console usage.
    expect(records[1]).toMatchObject({
      stream: 'anthropic:acme:default',
      tokens: { cacheWrite: 2000 },
      hints: { keyId: undefined, workspace: undefined },
    });
  });

  it('ungrouped hourly report: hour granularity, no model, empty buckets give nothing, distinct ids', () => {
    const { records, problems } = parseAnthropicUsageReport(fixture('usage-report-1h-ungrouped.json'), ctx);
    expect(problems).toEqual([]);
    expect(records.map((r) => [r.granularity, r.model, r.stream, r.start.toISOString()])).toEqual([
      ['hour', null, 'anthropic:acme:default', '2026-07-01T09:00:00.000Z'],
      ['hour', null, 'anthropic:acme:default', '2026-07-01T11:00:00.000Z'],
    ]);
    expect(new Set(records.map((r) => r.id)).size).toBe(2);
  });

  it('ids are stable across fetches and differ by every grouped dimension', () => {
    const page = fixture('usage-report-1d-grouped.json');
    const again = parseAnthropicUsageReport(page, ctx).records.map((r) => r.id);
    expect(parseAnthropicUsageReport(page, ctx).records.map((r) => r.id)).toEqual(again);
    const byGeo = (geo: string) => ({
      data: [
        {
          starting_at: '2026-07-01T00:00:00Z',
          ending_at: '2026-07-02T00:00:00Z',
          results: [{ uncached_input_tokens: 1, output_tokens: 1, inference_geo: geo }],
        },
      ],
    });
    const us = parseAnthropicUsageReport(byGeo('us'), ctx).records[0]?.id;
    const global = parseAnthropicUsageReport(byGeo('global'), ctx).records[0]?.id;
    expect(us).not.toBe(global);
  });

  it.each([
    [{ error: { type: 'not_found_error' } }, [['data', /^not a report page/]]],
    [
      {
        data: [
          { starting_at: 'yesterday', ending_at: '2026-07-02T00:00:00Z', results: [] },
          {
            starting_at: '2026-07-02T00:00:00Z',
            ending_at: '2026-07-03T00:00:00Z',
            results: [
              { uncached_input_tokens: 5, output_tokens: -1 },
              { uncached_input_tokens: 5, output_tokens: 1 },
            ],
          },
        ],
      },
      [
        ['data[0].starting_at', /./],
        ['data[1].results[0].output_tokens', /^negative token count$/],
      ],
    ],
  ])('bad pages, buckets and results are problems; good neighbours are kept (%#)', (page, expected) => {
    const { problems } = parseAnthropicUsageReport(page, ctx);
    expect(problems.map((p) => p.field)).toEqual(expected.map(([field]) => field));
    problems.forEach((p, i) => {
      expect(p.message).toMatch(expected[i]?.[1] as RegExp);
      expect(p).toMatchObject({ file: 'page.json', line: null });
    });
  });
});

describe('Anthropic cost report', () => {
  it('cents as decimal strings become exact dollars, billed, with the model when grouped by description (§4.2)', () => {
    const { records, problems } = parseAnthropicCostReport(fixture('cost-report.json'), ctx);
    expect(problems).toEqual([]);
    expect(
      records.map((r) => [r.cost.amount?.toString(), r.cost.basis, r.cost.priceRef, r.model, r.stream]),
    ).toEqual([
      ['0.54966', 'billed', 'anthropic-cost-report', 'claude-sonnet-4-6', 'anthropic:acme:wrkspc_01TestWs'],
      ['2.73613', 'billed', 'anthropic-cost-report', 'claude-sonnet-4-6', 'anthropic:acme:wrkspc_01TestWs'],
    ]);
    expect(records[0]).toMatchObject({
      source: 'anthropic-cost-report',
      granularity: 'day',
      requests: 0,
      tokens: { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 },
    });
    expect(records[0]?.id).not.toBe(records[1]?.id);
  });

  it('grouped by workspace only: no model, tiny amounts exact, default workspace stream', () => {
    const { records } = parseAnthropicCostReport(fixture('cost-report-by-workspace.json'), ctx);
    expect(records.map((r) => [r.cost.amount?.toFixed(), r.model, r.stream])).toEqual([
      ['1.2345', null, 'anthropic:acme:wrkspc_01TestWs'],
      ['0.000000001', null, 'anthropic:acme:default'],
    ]);
  });

  it.each([
    [{ amount: 'lots', currency: 'USD' }, 'amount', 'expected a decimal string of cents'],
    [{ amount: 12.5, currency: 'USD' }, 'amount', /expected string/],
    [{ amount: '12.5', currency: 'EUR' }, 'currency', 'expected currency USD'],
  ])('rejects a bad result %j and keeps the rest', (bad, field, message) => {
    const good = { amount: '100', currency: 'USD', workspace_id: null };
    const page = {
      data: [
        { starting_at: '2026-07-01T00:00:00Z', ending_at: '2026-07-02T00:00:00Z', results: [good, bad] },
      ],
    };
    const { records, problems } = parseAnthropicCostReport(page, ctx);
    expect(records.map((r) => r.cost.amount?.toString())).toEqual(['1']);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe(`data[0].results[1].${field}`);
    expect(problems[0]?.message).toMatch(message);
  });
});
