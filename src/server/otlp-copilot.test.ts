import { describe, expect, it } from 'vitest';
import { usd } from '../domain/money.js';
import type { UsageRecord } from '../domain/usage.js';
import { otlpApp } from './otlp.js';

/** A Copilot CLI chat span as its OTel exporter sends it, billed in premium requests (`github.copilot.cost`). */
const traces = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'github-copilot' } }] },
      scopeSpans: [
        {
          spans: [
            {
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: 'eee19b7ec3c1b174',
              name: 'chat claude-sonnet-4.5',
              startTimeUnixNano: '1783000000000000000',
              endTimeUnixNano: '1783000002000000000',
              attributes: [
                { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                { key: 'gen_ai.provider.name', value: { stringValue: 'github' } },
                { key: 'gen_ai.response.model', value: { stringValue: 'claude-sonnet-4.5' } },
                { key: 'gen_ai.usage.input_tokens', value: { intValue: '30000' } },
                { key: 'gen_ai.usage.output_tokens', value: { intValue: '500' } },
                { key: 'github.copilot.cost', value: { doubleValue: 40.5 } },
              ],
            },
          ],
        },
      ],
    },
  ],
};

async function receive(premiumRate?: Parameters<typeof otlpApp>[0]['premiumRate']): Promise<UsageRecord> {
  const kept: UsageRecord[] = [];
  const { app } = otlpApp({
    sink: {
      hasRoom: () => true,
      add: (records) => {
        kept.push(...records);
        return Promise.resolve();
      },
    },
    premiumRate,
  });
  const res = await app.request('/v1/traces', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(traces),
  });
  expect(res.status).toBe(200);
  expect(kept).toHaveLength(1);
  return kept[0] as UsageRecord;
}

describe('OTLP receiver: Copilot spans priced by premium requests, as the Copilot CLI file path prices them', () => {
  it("GitHub's list rate by default: 40.5 premium requests (kept fractional) × $0.04", async () => {
    const r = await receive();
    expect(r.units).toEqual({ premiumRequests: '40.5', nanoAiu: undefined });
    expect(r.cost.amount?.toString()).toBe('1.62');
    expect(r.cost.priceRef).toBe('github-premium-requests:40.5@0.04 (github-list)');
  });

  it("the org's negotiated rate (mileage.yaml) when the server is given one", async () => {
    const r = await receive({ usd: usd('0.035'), source: 'mileage.yaml' });
    expect(r.cost.amount?.toString()).toBe('1.4175');
    expect(r.cost.priceRef).toBe('github-premium-requests:40.5@0.035 (mileage.yaml)');
  });

  it('a billing amount that is no amount rejects the span (named), as the file path does, rather than pricing it at list', async () => {
    const kept: UsageRecord[] = [];
    const { app, counters } = otlpApp({
      sink: {
        hasRoom: () => true,
        add: (records) => {
          kept.push(...records);
          return Promise.resolve();
        },
      },
    });
    const bad = structuredClone(traces);
    const attrs = bad.resourceSpans[0]?.scopeSpans[0]?.spans[0]?.attributes ?? [];
    attrs[attrs.length - 1] = { key: 'github.copilot.cost', value: { stringValue: 'lots' } };
    const res = await app.request('/v1/traces', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(bad),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      partialSuccess?: { rejectedSpans?: unknown; errorMessage?: string };
    };
    expect(String(body.partialSuccess?.rejectedSpans)).toBe('1');
    expect(body.partialSuccess?.errorMessage).toContain('github.copilot.cost');
    expect(kept).toEqual([]);
    expect(counters.rejected).toBe(1);
  });
});
