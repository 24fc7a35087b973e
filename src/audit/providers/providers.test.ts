import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { callProvider, retryAfterMs } from '../call.js';
import { requestFor, toNeutral, UntranslatableRequest } from './prompt.js';
import { parseResponse, parseStream } from './responses.js';

// Response bodies as printed in the providers' API references (docs.anthropic.com/en/api/messages and
// /en/api/messages-streaming; platform.openai.com/docs/api-reference/chat/object and /responses/object),
// texts shortened; the OpenAI chat one with a cache hit as its reference's usage object describes.
const ANTHROPIC = `{"content":[{"text":"Hi! My name is Claude.","type":"text"}],"id":"msg_013Zva2CMHLNnXjNJJKqJ2EF","model":"claude-3-7-sonnet-20250219","role":"assistant","stop_reason":"end_turn","stop_sequence":null,"type":"message","usage":{"input_tokens":2095,"output_tokens":503,"cache_creation_input_tokens":100,"cache_read_input_tokens":400}}`;
const ANTHROPIC_STREAM = `event: message_start
data: {"type": "message_start", "message": {"id": "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", "type": "message", "role": "assistant", "content": [], "model": "claude-opus-4-1-20250805", "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 25, "output_tokens": 1}}}

event: content_block_start
data: {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}

event: ping
data: {"type": "ping"}

event: content_block_delta
data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hello"}}

event: content_block_delta
data: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "!"}}

event: content_block_stop
data: {"type": "content_block_stop", "index": 0}

event: message_delta
data: {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence":null}, "usage": {"output_tokens": 15}}

event: message_stop
data: {"type": "message_stop"}

`;
const CHAT = `{"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion","created":1741570283,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"message":{"role":"assistant","content":"The image shows a wooden boardwalk.","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1117,"completion_tokens":46,"total_tokens":1163,"prompt_tokens_details":{"cached_tokens":1024,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":10,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_fc9f1d7035"}`;
const RESPONSES = `{"id":"resp_67ccd3a9da748190baa7f1570fe91ac604becb25c45c1d41","object":"response","created_at":1741476777,"status":"completed","model":"gpt-4o-2024-08-06","output":[{"type":"message","id":"msg_67ccd3acc8d48190a77525dc6de64b4104becb25c45c1d41","status":"completed","role":"assistant","content":[{"type":"output_text","text":"The image depicts a scenic landscape.","annotations":[]}]}],"usage":{"input_tokens":328,"input_tokens_details":{"cached_tokens":0},"output_tokens":52,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":380}}`;

describe('documented response shapes', () => {
  it('Anthropic: input is uncached, cache reads and writes beside it', () => {
    const a = parseResponse('anthropic-messages', ANTHROPIC);
    expect(a.text).toBe('Hi! My name is Claude.');
    expect(a.tokens).toMatchObject({ input: 2095, cacheRead: 400, cacheWrite: 100, output: 503 });
  });
  it('Anthropic streaming: deltas joined, output from message_delta', () => {
    const a = parseStream('anthropic-messages', ANTHROPIC_STREAM);
    expect(a.text).toBe('Hello!');
    expect(a.tokens).toMatchObject({ input: 25, output: 15 });
    expect(() =>
      parseStream('anthropic-messages', ANTHROPIC_STREAM.split('event: message_stop')[0]!),
    ).toThrow(/message_stop/);
  });
  it('OpenAI chat: cached tokens are part of prompt tokens', () => {
    const a = parseResponse('openai-chat', CHAT);
    expect(a.tokens).toMatchObject({ input: 93, cacheRead: 1024, output: 46, reasoning: 10 });
  });
  it('OpenAI Responses', () => {
    const a = parseResponse('openai-responses', RESPONSES);
    expect(a.text).toBe('The image depicts a scenic landscape.');
    expect(a.tokens).toMatchObject({ input: 328, output: 52 });
  });
  it('refuses a body that is not the shape', () => {
    expect(() => parseResponse('openai-chat', '{"id":"x","choices":[]}')).toThrow(/choices/);
    expect(() => parseResponse('anthropic-messages', '{"type":"mess')).toThrow(/not JSON/);
  });
});

describe('requests across APIs', () => {
  const anthropic = {
    max_tokens: 50,
    system: 'Triage.',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'ALERT 1' }] }],
  };
  it('keeps a request on its own API and only swaps the model', () => {
    expect(requestFor('anthropic-messages', anthropic, 'anthropic-messages', 'claude-haiku-4-5')).toEqual({
      ...anthropic,
      model: 'claude-haiku-4-5',
    });
  });
  it('translates text conversations', () => {
    expect(requestFor('anthropic-messages', anthropic, 'openai-chat', 'gpt-5-mini')).toEqual({
      model: 'gpt-5-mini',
      max_completion_tokens: 50,
      messages: [
        { role: 'system', content: 'Triage.' },
        { role: 'user', content: 'ALERT 1' },
      ],
    });
    expect(
      requestFor(
        'openai-chat',
        {
          messages: [
            { role: 'developer', content: 'Be brief.' },
            { role: 'user', content: 'hi' },
          ],
        },
        'openai-responses',
        'gpt-5',
      ),
    ).toEqual({
      model: 'gpt-5',
      max_output_tokens: 1024,
      instructions: 'Be brief.',
      input: [{ role: 'user', content: 'hi' }],
    });
  });
  it('refuses to drop an image on the way', () => {
    const withImage = {
      max_tokens: 5,
      messages: [{ role: 'user', content: [{ type: 'image', source: {} }] }],
    };
    expect(() => toNeutral('anthropic-messages', withImage)).toThrow(UntranslatableRequest);
  });
});

describe('calls', () => {
  it('reads retry-after as seconds, as a date and as milliseconds', () => {
    expect(retryAfterMs({ 'retry-after': '2' })).toBe(2000);
    expect(retryAfterMs({ 'retry-after-ms': '150' })).toBe(150);
    expect(retryAfterMs({ 'retry-after': new Date(10_000).toUTCString() }, 4_000)).toBe(6_000);
    expect(retryAfterMs({})).toBeNull();
  });

  it('waits on 429, retries 5xx and malformed bodies, never retries a 400', async () => {
    const script: [number, Record<string, string>, string][] = [
      [429, { 'retry-after': '0' }, '{}'],
      [503, {}, 'down'],
      [200, {}, '{"type":"message","content":[{"type":"te'],
      [200, {}, ANTHROPIC],
      [400, {}, '{"error":"bad"}'],
    ];
    let n = 0;
    const server = createServer((req, res) => {
      req.resume();
      const [status, headers, body] = script[n++]!;
      res.writeHead(status, headers);
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/messages`;
    const policy = { attempts: 5, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 5000 };
    const ok = await callProvider({ url, headers: {} }, 'anthropic-messages', { model: 'm' }, false, policy);
    expect(ok).toMatchObject({ ok: true, attempts: 4 });
    const bad = await callProvider({ url, headers: {} }, 'anthropic-messages', { model: 'm' }, false, policy);
    expect(bad).toMatchObject({ ok: false, retryable: false, attempts: 1 });
    server.close();
  });
});
