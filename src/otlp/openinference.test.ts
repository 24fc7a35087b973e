import { describe, expect, it } from 'vitest';
import { recordId } from '../domain/ids.js';
import { decodeSpans } from './spans.js';

/**
 * Envoy AI Gateway's spans (its tracing, OpenInference conventions: internal/tracing/openinference in
 * envoyproxy/ai-gateway @ c217da8a). The attribute sets are those its own tests expect: an OpenAI chat
 * completion (gpt-5-nano, prompt 20, completion 10, total 30; chat_completion_test.go) and an Anthropic message
 * (claude-3-opus-20240229 with its cache read and cache creation counts; anthropic/messages_test.go, here with
 * cache tokens, which the gateway counts inside the prompt). Prompt and answer text (`input.value`,
 * `llm.input_messages.*`) travel on the same spans and are never kept.
 */
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const int = (key: string, value: number) => ({ key, value: { intValue: String(value) } });

function span(spanId: string, attributes: unknown[]) {
  return {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId,
    name: 'ChatCompletion',
    kind: 1,
    startTimeUnixNano: '1793005200000000000',
    endTimeUnixNano: '1793005201500000000',
    attributes,
  };
}

const doc = {
  resourceSpans: [
    {
      resource: { attributes: [str('service.name', 'ai-gateway')] },
      scopeSpans: [
        {
          spans: [
            span('00f067aa0ba902b7', [
              str('openinference.span.kind', 'LLM'),
              str('llm.system', 'openai'),
              str('llm.model_name', 'gpt-5-nano'),
              str('input.value', '{"model":"gpt-5-nano","messages":[{"role":"user","content":"Hello!"}]}'),
              str('llm.input_messages.0.message.content', 'Hello!'),
              str('llm.output_messages.0.message.content', 'Hello! How can I help you today?'),
              int('llm.token_count.prompt', 20),
              int('llm.token_count.completion', 10),
              int('llm.token_count.total', 30),
            ]),
            span('00f067aa0ba902b8', [
              str('openinference.span.kind', 'LLM'),
              str('llm.system', 'anthropic'),
              str('llm.model_name', 'claude-3-opus-20240229'),
              int('llm.token_count.prompt', 5210),
              int('llm.token_count.prompt_details.cache_read', 4096),
              int('llm.token_count.prompt_details.cache_creation', 1100),
              int('llm.token_count.completion', 5),
              int('llm.token_count.total', 5215),
            ]),
            // A count_tokens call: free, not a request.
            span('00f067aa0ba902b9', [
              str('openinference.span.kind', 'TOKEN_COUNTER'),
              str('llm.model_name', 'claude-3-opus-20240229'),
              int('llm.token_count.prompt', 5210),
            ]),
          ],
        },
      ],
    },
  ],
};

describe('decodeSpans: OpenInference spans (Envoy AI Gateway)', () => {
  const out = decodeSpans(doc, 'traces');
  const byId = (spanId: string) =>
    out.records.find((r) => r.id === recordId('otlp', '4bf92f3577b34da6a3ce929d0e0e4736', spanId));

  it('counts the LLM spans, not the token counter', () => {
    expect(out.problems).toEqual([]);
    expect(out.records).toHaveLength(2);
  });

  it('reads the usage, model and provider, and keeps no prompt or answer text', () => {
    expect(byId('00f067aa0ba902b7')).toMatchObject({
      tool: 'ai-gateway',
      provider: 'openai',
      model: 'gpt-5-nano',
      tokens: { input: 20, cacheRead: 0, cacheWrite: 0, output: 10, reasoning: 0 },
      requests: 1,
    });
    expect(JSON.stringify(out.records)).not.toMatch(/Hello/);
  });

  it("takes cache reads and writes out of the gateway's inclusive prompt count", () => {
    expect(byId('00f067aa0ba902b8')).toMatchObject({
      provider: 'anthropic',
      tokens: { input: 14, cacheRead: 4096, cacheWrite: 1100, output: 5 },
    });
  });
});
