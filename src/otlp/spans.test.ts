import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recordId } from '../domain/ids.js';
import { decodeSpans } from './spans.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/otlp/${name}`, import.meta.url), 'utf8'));

describe('decodeSpans: GenAI semantic conventions', () => {
  const out = decodeSpans(fixture('genai-spans.json'), 'traces');
  const record = (traceId: string, spanId: string) =>
    out.records.find((r) => r.id === recordId('otlp', traceId, spanId));

  it('makes one record per inference span; agent spans, other spans and coding-agent spans are not counted', () => {
    expect(out.records).toHaveLength(3);
    expect(out.items).toBe(7);
  });

  it('current names: input net of cache reads (OpenAI meaning), response model, response id as dedup key', () => {
    expect(record('5b8efff798038103d269b633813fc60c', 'eee19b7ec3c1b174')).toMatchObject({
      source: 'otlp',
      granularity: 'request',
      tool: 'support-bot',
      provider: 'openai',
      model: 'gpt-4.1-mini-2025-04-14',
      tokens: { input: 176, cacheRead: 1024, cacheWrite: 0, output: 85, reasoning: 0 },
      dedupKey: 'chatcmpl-abc123',
      cost: { amount: null, basis: 'list_estimate' },
      hints: { sessionId: 'thread-9', toolVersion: '3.2.0' },
    });
  });

  it('deprecated names (gen_ai.system, prompt/completion tokens) and an input smaller than its cache tokens', () => {
    expect(record('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331')).toMatchObject({
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      tokens: { input: 50, cacheRead: 30000, cacheWrite: 2000, output: 700 },
    });
  });

  it('cache_write alias, reasoning, and semconv provider names mapped', () => {
    expect(record('0af7651916cd43dd8448eb211c80319c', 'c7ad6b7169203332')).toMatchObject({
      provider: 'google',
      tokens: { input: 2500, cacheRead: 1000, cacheWrite: 500, output: 300, reasoning: 120 },
    });
  });

  it('rejects a span whose count is not a number, with the field', () => {
    expect(out.rejected).toBe(1);
    expect(out.problems[0]?.field).toBe(
      'resourceSpans[0].scopeSpans[1].spans[2].attributes.gen_ai.usage.input_tokens',
    );
  });

  it('accepts ids as bytes (protobuf) and gives them the same record id as hex', () => {
    const doc = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: Buffer.from('5b8efff798038103d269b633813fc60c', 'hex'),
                  spanId: Buffer.from('eee19b7ec3c1b174', 'hex'),
                  startTimeUnixNano: '1783000000000000000',
                  attributes: [{ key: 'gen_ai.usage.input_tokens', value: { intValue: '7' } }],
                },
              ],
            },
          ],
        },
      ],
    };
    expect(decodeSpans(doc, 't').records[0]?.id).toBe(
      recordId('otlp', '5b8efff798038103d269b633813fc60c', 'eee19b7ec3c1b174'),
    );
  });
});
