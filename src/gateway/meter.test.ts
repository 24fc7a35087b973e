import { describe, expect, it } from 'vitest';
import { isUsageChunk, Meter } from './meter.js';
import { SseReader, type SseEvent } from './sse.js';

const ev = (event: string | null, data: unknown) =>
  `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;

/** Feeds a stream to a meter in pieces of `size` bytes: event and character boundaries fall anywhere. */
function metered(api: Meter['api'], text: string, size: number): { meter: Meter; events: SseEvent[] } {
  const meter = new Meter(api);
  const events: SseEvent[] = [];
  const reader = new SseReader((e) => {
    events.push(e);
    meter.event(e);
  });
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) reader.feed(bytes.subarray(i, i + size));
  return { meter, events };
}

const anthropicStream =
  ev('message_start', {
    type: 'message_start',
    message: {
      id: 'msg_1',
      model: 'claude-sonnet-4-6',
      usage: {
        input_tokens: 12,
        cache_read_input_tokens: 300,
        cache_creation_input_tokens: 40,
        cache_creation: { ephemeral_5m_input_tokens: 30, ephemeral_1h_input_tokens: 10 },
        output_tokens: 1,
      },
    },
  }) +
  ev('content_block_delta', { type: 'content_block_delta', delta: { type: 'text_delta', text: 'héllo ✓' } }) +
  ev('message_delta', {
    type: 'message_delta',
    usage: { output_tokens: 57, server_tool_use: { web_search_requests: 2 } },
  }) +
  ev('message_stop', { type: 'message_stop' });

describe('metering on the side', () => {
  it.each([1, 3, 7, 64, 100_000])('reads an Anthropic stream cut every %i bytes', (size) => {
    const { meter, events } = metered('anthropic-messages', anthropicStream, size);
    expect(events.map((e) => e.raw).join('')).toBe(anthropicStream);
    expect(meter.result()).toEqual({
      model: 'claude-sonnet-4-6',
      responseId: 'msg_1',
      usage: {
        tokens: { input: 12, cacheRead: 300, cacheWrite: 40, cacheWrite1h: 10, output: 57, reasoning: 0 },
        serverTools: { webSearch: 2 },
        billing: undefined,
      },
    });
  });

  it('reads the usage chunk of a chat stream, and knows it for stripping', () => {
    const usage = {
      prompt_tokens: 1000,
      completion_tokens: 90,
      prompt_tokens_details: { cached_tokens: 600 },
      completion_tokens_details: { reasoning_tokens: 40 },
    };
    const text =
      ev(null, { id: 'c1', model: 'gpt-5', choices: [{ delta: { content: 'a' } }], usage: null }) +
      ev(null, { id: 'c1', model: 'gpt-5', choices: [], usage, service_tier: 'priority' }) +
      'data: [DONE]\n\n';
    const { meter, events } = metered('openai-chat', text, 5);
    expect(events.map(isUsageChunk)).toEqual([false, true, false]);
    expect(meter.result().usage).toEqual({
      tokens: { input: 400, cacheRead: 600, cacheWrite: 0, output: 90, reasoning: 40 },
      billing: { serviceTier: 'priority' },
    });
  });

  it('reads a Responses stream from response.completed, web searches as server tools', () => {
    const response = {
      id: 'resp_1',
      model: 'gpt-5',
      output: [{ type: 'web_search_call' }, { type: 'message' }],
      usage: {
        input_tokens: 50,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 9,
        output_tokens_details: { reasoning_tokens: 0 },
      },
    };
    const text =
      ev('response.created', {
        type: 'response.created',
        response: { ...response, usage: null, output: [] },
      }) +
      ev('response.output_text.delta', { type: 'response.output_text.delta', delta: 'x' }) +
      ev('response.completed', { type: 'response.completed', response });
    const { meter } = metered('openai-responses', text, 11);
    expect(meter.result()).toMatchObject({
      responseId: 'resp_1',
      usage: { tokens: { input: 50, output: 9 }, serverTools: { webSearch: 1 } },
    });
  });

  it('meters nothing from a body that is not JSON, and never throws', () => {
    const meter = new Meter('openai-chat');
    meter.body('<html>bad gateway</html>');
    meter.event({ event: '', data: '{"usage":{', raw: '' });
    expect(meter.result()).toEqual({ model: null, responseId: null, usage: null });
  });

  it('reads CRLF-separated events and keeps an unfinished tail', () => {
    const events: SseEvent[] = [];
    const reader = new SseReader((e) => events.push(e));
    reader.feed(Buffer.from('event: a\r\ndata: 1\r\n\r\ndata: 2'));
    expect(events.map((e) => [e.event, e.data])).toEqual([['a', '1']]);
    expect(reader.tail()).toBe('data: 2');
  });

  it('joins multi-line data, skips comments, and gives each event its text as sent, in any cut', () => {
    const text = ': keep-alive\n\nevent: x\ndata: a\ndata:b\n\ndata: {"k":1}\r\n\r\nevent: y\n\n';
    for (const size of [1, 2, 5, text.length]) {
      const events: SseEvent[] = [];
      const reader = new SseReader((e) => events.push(e));
      const bytes = Buffer.from(text);
      for (let i = 0; i < bytes.length; i += size) reader.feed(bytes.subarray(i, i + size));
      expect(events.map((e) => [e.event, e.data])).toEqual([
        ['x', 'a\nb'],
        ['', '{"k":1}'],
        ['y', ''],
      ]);
      expect(events.map((e) => e.raw).join('')).toBe(text.slice(': keep-alive\n\n'.length));
      expect(reader.tail()).toBe('');
    }
  });

  it('names the model and response of a chat stream cut before its usage chunk (from the first chunk)', () => {
    const chunk = (content: string) =>
      ev(null, { id: 'chatcmpl-9', model: 'gpt-5-mini', choices: [{ index: 0, delta: { content } }] });
    const { meter } = metered('openai-chat', chunk('a') + chunk('b'), 7);
    expect(meter.result()).toEqual({ model: 'gpt-5-mini', responseId: 'chatcmpl-9', usage: null });
  });
});
