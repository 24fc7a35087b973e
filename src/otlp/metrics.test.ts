import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sumUsd } from '../domain/money.js';
import { CumulativeSeries } from './cumulative.js';
import { decodeMetrics } from './metrics.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/otlp/${name}`, import.meta.url), 'utf8'));

describe('decodeMetrics: Claude Code, delta temporality', () => {
  const out = decodeMetrics(fixture('claude-code-metrics-delta.json'), 'metrics', new CumulativeSeries());

  it('joins the token types and the cost of one series and interval into one session record', () => {
    expect(out.records).toHaveLength(1);
    const [r] = out.records;
    expect(r).toMatchObject({
      source: 'claude-code-otel',
      granularity: 'session',
      model: 'claude-sonnet-4-6',
      tokens: { input: 4, output: 412, cacheRead: 45211, cacheWrite: 1820, reasoning: 0 },
      requests: 0,
      cost: { basis: 'provider_reported', priceRef: 'claude_code.cost.usage' },
      hints: { actor: 'ana@example.com', sessionId: '7c0ffee0-0000-4000-8000-00000000beef' },
    });
    expect(r?.cost.amount?.toFixed()).toBe('0.0267');
    expect(r?.start.getTime()).toBe(1_783_000_000_000);
    expect(r?.end.getTime()).toBe(1_783_000_060_000);
  });

  it('counts every data point read, relevant or not, and ignores the other metrics silently', () => {
    expect(out.items).toBe(7);
    expect(out.problems).toEqual([]);
  });

  it('gives a re-sent delta point the same id', () => {
    const again = decodeMetrics(fixture('claude-code-metrics-delta.json'), 'metrics', new CumulativeSeries());
    expect(again.records[0]?.id).toBe(out.records[0]?.id);
  });
});

describe('decodeMetrics: cumulative temporality', () => {
  it('turns cumulative points into deltas, counts a repeated point once and restarts on a new start time', () => {
    const series = new CumulativeSeries();
    const exports = fixture('claude-code-metrics-cumulative.json') as unknown[];
    const decoded = exports.map((doc) => decodeMetrics(doc, 'metrics', series));
    expect(decoded.map((d) => d.records.length)).toEqual([1, 1, 0, 1]);
    const records = decoded.flatMap((d) => d.records);
    expect(records.map((r) => r.tokens.output)).toEqual([1000, 1500, 300]);
    expect(records.map((r) => r.cost.amount?.toFixed())).toEqual(['0.1', '0.2', '0.05']);
    expect(sumUsd(records.map((r) => r.cost.amount!)).toFixed()).toBe('0.35');
    // the second interval starts where the first ended; the restarted series at its own start
    expect(records.map((r) => [r.start.getTime(), r.end.getTime()])).toEqual([
      [1_783_000_000_000, 1_783_000_060_000],
      [1_783_000_060_000, 1_783_000_120_000],
      [1_783_000_200_000, 1_783_000_260_000],
    ]);
    expect(new Set(records.map((r) => r.id)).size).toBe(3);
  });

  it('treats a drop without a new start time as a counter reset', () => {
    const series = new CumulativeSeries();
    const point = (t: string, v: number) => ({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'claude_code.cost.usage',
                  sum: {
                    aggregationTemporality: 2,
                    dataPoints: [{ startTimeUnixNano: '1', timeUnixNano: t, asDouble: v, attributes: [] }],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    const costs = [
      ['1783000060000000000', 2],
      ['1783000120000000000', 0.5],
    ].map(([t, v]) =>
      decodeMetrics(point(t as string, v as number), 'm', series).records[0]?.cost.amount?.toFixed(),
    );
    expect(costs).toEqual(['2', '0.5']);
  });
});

describe('decodeMetrics: Gemini CLI and bad points', () => {
  it('reads gemini_cli.token.usage with the enum given by name, in Mileage token meanings', () => {
    const out = decodeMetrics(fixture('gemini-cli-metrics.json'), 'metrics', new CumulativeSeries());
    expect(out.records).toHaveLength(1);
    expect(out.records[0]).toMatchObject({
      source: 'gemini-cli-otel',
      tokens: { input: 6000, cacheRead: 2000, output: 800, reasoning: 100 },
      cost: { amount: null, basis: 'list_estimate' },
    });
  });

  it('rejects a negative value, a point without type, and unspecified temporality, each with a reason', () => {
    const doc = {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'claude_code.token.usage',
                  sum: {
                    aggregationTemporality: 1,
                    dataPoints: [
                      { timeUnixNano: '1783000060000000000', asInt: '-3', attributes: [] },
                      { timeUnixNano: '1783000060000000000', asInt: '3', attributes: [] },
                    ],
                  },
                },
                {
                  name: 'claude_code.cost.usage',
                  sum: { dataPoints: [{ timeUnixNano: '1783000060000000000', asDouble: 1 }] },
                },
              ],
            },
          ],
        },
      ],
    };
    const out = decodeMetrics(doc, 'metrics', new CumulativeSeries());
    expect(out.records).toEqual([]);
    expect(out.rejected).toBe(3);
    expect(out.problems.map((p) => p.message)).toEqual([
      'negative counter value -3',
      'claude_code.token.usage without a "type"',
      'unspecified temporality',
    ]);
  });
});
