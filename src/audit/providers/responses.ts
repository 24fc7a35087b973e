import { anthropicBlock, openAiBlock } from '../../domain/usage-blocks.js';
import type { TokenCounts } from '../../domain/usage.js';
import type { RequestFormat } from '../dataset.js';

/** What an audit keeps of a provider's response: the answer's text, its usage, the model that served it. */
export interface ProviderAnswer {
  text: string;
  tokens: TokenCounts;
  model: string | null;
}

/** A body that is not the documented shape: retried like a 5xx, then reported. */
export class MalformedResponse extends Error {
  override readonly name = 'MalformedResponse';
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
/** A text field, or '' when absent or not text. */
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function need(cond: boolean, what: string): void {
  if (!cond) throw new MalformedResponse(what);
}

/** Anthropic's usage block, read as every path reads it (domain/usage-blocks.ts). */
function anthropicTokens(usage: Json): TokenCounts {
  return anthropicBlock(usage).tokens;
}

/** OpenAI's inclusive usage block, Chat Completions or Responses spelling (domain/usage-blocks.ts). */
function openAiTokens(usage: Json, inputKey: 'prompt_tokens' | 'input_tokens'): TokenCounts {
  return openAiBlock(inputKey === 'prompt_tokens' ? 'chat' : 'responses', usage).tokens;
}

function anthropicMessage(body: Json): ProviderAnswer {
  need(body.type === 'message', 'expected an Anthropic message (type "message")');
  need(Array.isArray(body.content), 'expected content blocks');
  need(typeof body.usage === 'object' && body.usage !== null, 'expected a usage block');
  const text = (body.content as unknown[])
    .map(obj)
    .filter((b) => b.type === 'text')
    .map((b) => str(b.text))
    .join('');
  return {
    text,
    tokens: anthropicTokens(obj(body.usage)),
    model: typeof body.model === 'string' ? body.model : null,
  };
}

function chatCompletion(body: Json): ProviderAnswer {
  need(Array.isArray(body.choices) && body.choices.length > 0, 'expected choices');
  need(typeof body.usage === 'object' && body.usage !== null, 'expected a usage block');
  const message = obj(obj((body.choices as unknown[])[0]).message);
  const content = message.content;
  return {
    text: typeof content === 'string' ? content : '',
    tokens: openAiTokens(obj(body.usage), 'prompt_tokens'),
    model: typeof body.model === 'string' ? body.model : null,
  };
}

function responsesOutput(body: Json): ProviderAnswer {
  need(body.object === 'response' || Array.isArray(body.output), 'expected a response object with output');
  need(typeof body.usage === 'object' && body.usage !== null, 'expected a usage block');
  const text = ((body.output as unknown[] | undefined) ?? [])
    .map(obj)
    .filter((o) => o.type === 'message')
    .flatMap((o) => ((o.content as unknown[] | undefined) ?? []).map(obj))
    .filter((c) => c.type === 'output_text')
    .map((c) => str(c.text))
    .join('');
  return {
    text,
    tokens: openAiTokens(obj(body.usage), 'input_tokens'),
    model: typeof body.model === 'string' ? body.model : null,
  };
}

/** A non-streaming response body, parsed by the API's documented shape. */
export function parseResponse(api: RequestFormat, raw: string): ProviderAnswer {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new MalformedResponse(`the body is not JSON (${raw.length} bytes)`);
  }
  const b = obj(body);
  switch (api) {
    case 'anthropic-messages':
      return anthropicMessage(b);
    case 'openai-chat':
      return chatCompletion(b);
    case 'openai-responses':
      return responsesOutput(b);
    default:
      return api satisfies never;
  }
}

/** Server-sent events → their JSON data payloads (skipping `[DONE]` and comments). */
function sseData(raw: string): Json[] {
  const out: Json[] = [];
  for (const block of raw.split(/\r?\n\r?\n/)) {
    const data = block
      .split(/\r?\n/)
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).trimStart())
      .join('\n');
    if (data === '' || data === '[DONE]') continue;
    try {
      out.push(obj(JSON.parse(data)));
    } catch {
      throw new MalformedResponse('a stream event is not JSON');
    }
  }
  return out;
}

/** A streamed response, read to its end: text deltas joined, usage from the events that carry it. */
export function parseStream(api: RequestFormat, raw: string): ProviderAnswer {
  const events = sseData(raw);
  switch (api) {
    case 'anthropic-messages': {
      const start = events.find((e) => e.type === 'message_start');
      need(start !== undefined, 'stream has no message_start');
      need(
        events.some((e) => e.type === 'message_stop'),
        'stream ended before message_stop',
      );
      const message = obj(start?.message);
      const usage = { ...obj(message.usage) };
      let text = '';
      for (const e of events) {
        const delta = obj(e.delta);
        if (e.type === 'content_block_delta' && delta.type === 'text_delta') text += str(delta.text);
        // message_delta carries the final output count (and, on newer APIs, the final input counts).
        if (e.type === 'message_delta') Object.assign(usage, obj(e.usage));
      }
      return {
        text,
        tokens: anthropicTokens(usage),
        model: typeof message.model === 'string' ? message.model : null,
      };
    }
    case 'openai-chat': {
      let text = '';
      let usage: Json | null = null;
      let model: string | null = null;
      for (const e of events) {
        for (const choice of (e.choices as unknown[] | undefined) ?? [])
          text += str(obj(obj(choice).delta).content);
        if (e.usage !== null && typeof e.usage === 'object') usage = obj(e.usage);
        if (typeof e.model === 'string') model = e.model;
      }
      need(usage !== null, 'stream carried no usage (request it with stream_options.include_usage)');
      return { text, tokens: openAiTokens(usage ?? {}, 'prompt_tokens'), model };
    }
    case 'openai-responses': {
      const done = events.find((e) => e.type === 'response.completed');
      need(done !== undefined, 'stream ended before response.completed');
      const text = events
        .filter((e) => e.type === 'response.output_text.delta')
        .map((e) => str(e.delta))
        .join('');
      const response = obj(done?.response);
      return {
        text,
        tokens: openAiTokens(obj(response.usage), 'input_tokens'),
        model: typeof response.model === 'string' ? response.model : null,
      };
    }
    default:
      return api satisfies never;
  }
}
