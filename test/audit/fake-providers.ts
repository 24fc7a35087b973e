import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Anthropic's Messages API and OpenAI's Chat Completions and Responses APIs, on 127.0.0.1,
 * answering in their documented shapes (docs.anthropic.com/en/api/messages, /en/api/messages-streaming;
 * platform.openai.com/docs/api-reference/chat/object, /chat-streaming, /responses/object, /responses-streaming):
 * usage blocks with cache fields, streaming and not. Answers are deterministic per model and prompt, from the
 * test's `answer` function. Faults are injected by request number, so a run's final answers never depend on
 * them: 429 with retry-after, 500s and malformed bodies are all retried by a correct client.
 */
export interface FakeOptions {
  answer: (model: string, prompt: string) => string;
  /** Every n-th request (1-based, counted over the whole server) gets this fault instead of an answer. */
  rateLimitEvery?: number;
  serverErrorEvery?: number;
  malformedEvery?: number;
  /** Seconds in the 429's retry-after header (may be fractional). */
  retryAfterSeconds?: number;
  /** Delay before each answer, ms. */
  delayMs?: number;
}

export interface Served {
  api: 'anthropic' | 'chat' | 'responses';
  model: string;
  prompt: string;
  stream: boolean;
}

export interface FakeProviders {
  anthropicBase: string;
  openaiBase: string;
  /** Requests answered with a full answer (what a provider bills), in order. */
  served: Served[];
  /** Every request received, faults included. */
  received: number;
  close(): Promise<void>;
}

const tokens = (s: string) => Math.max(1, Math.ceil(s.length / 4));

/** The conversation's text as one string (what `answer` sees and what input tokens are counted on). */
function promptOf(body: Record<string, unknown>): string {
  const parts: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === 'string') parts.push(v);
    else if (Array.isArray(v))
      for (const p of v)
        add((p as { text?: unknown; content?: unknown }).text ?? (p as { content?: unknown }).content);
  };
  add(body.system);
  add(body.instructions);
  for (const m of (body.messages as { content?: unknown }[] | undefined) ?? []) add(m.content);
  if (typeof body.input === 'string') add(body.input);
  else for (const m of (body.input as { content?: unknown }[] | undefined) ?? []) add(m.content);
  return parts.join('\n');
}

function sse(res: ServerResponse, events: { event?: string; data: unknown }[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const e of events)
    res.write(
      `${e.event ? `event: ${e.event}\n` : ''}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`,
    );
  res.end();
}

function anthropic(res: ServerResponse, model: string, text: string, prompt: string, stream: boolean): void {
  const input = tokens(prompt);
  const cacheRead = Math.floor(input / 2);
  const usage = {
    input_tokens: input - cacheRead,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cacheRead,
    output_tokens: tokens(text),
  };
  const id = 'msg_01XFDUDYJgAACzvnptvVoYEL';
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [{ type: 'text', text }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage,
      }),
    );
    return;
  }
  const half = Math.ceil(text.length / 2);
  sse(res, [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: {
          id,
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          usage: { ...usage, output_tokens: 1 },
        },
      },
    },
    {
      event: 'content_block_start',
      data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    },
    { event: 'ping', data: { type: 'ping' } },
    {
      event: 'content_block_delta',
      data: {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: text.slice(0, half) },
      },
    },
    {
      event: 'content_block_delta',
      data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: text.slice(half) } },
    },
    { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
    {
      event: 'message_delta',
      data: {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: usage.output_tokens },
      },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ]);
}

function chat(res: ServerResponse, model: string, text: string, prompt: string, stream: boolean): void {
  const usage = {
    prompt_tokens: tokens(prompt),
    completion_tokens: tokens(text),
    total_tokens: tokens(prompt) + tokens(text),
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
  const base = {
    id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
    created: 1741569952,
    model,
    system_fingerprint: 'fp_fake',
  };
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        ...base,
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text, refusal: null, annotations: [] },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage,
        service_tier: 'default',
      }),
    );
    return;
  }
  const chunk = (delta: unknown, finish: string | null) => ({
    ...base,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    usage: null,
  });
  sse(res, [
    { data: chunk({ role: 'assistant', content: '' }, null) },
    { data: chunk({ content: text }, null) },
    { data: chunk({}, 'stop') },
    { data: { ...base, object: 'chat.completion.chunk', choices: [], usage } },
    { data: '[DONE]' },
  ]);
}

function responses(res: ServerResponse, model: string, text: string, prompt: string, stream: boolean): void {
  const usage = {
    input_tokens: tokens(prompt),
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: tokens(text),
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: tokens(prompt) + tokens(text),
  };
  const response = {
    id: 'resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b',
    object: 'response',
    created_at: 1741476542,
    status: 'completed',
    model,
    output: [
      {
        type: 'message',
        id: 'msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text, annotations: [] }],
      },
    ],
    usage,
  };
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(response));
    return;
  }
  sse(res, [
    {
      event: 'response.created',
      data: {
        type: 'response.created',
        response: { ...response, status: 'in_progress', output: [], usage: null },
      },
    },
    {
      event: 'response.output_text.delta',
      data: {
        type: 'response.output_text.delta',
        item_id: 'msg_1',
        output_index: 0,
        content_index: 0,
        delta: text,
      },
    },
    {
      event: 'response.output_text.done',
      data: { type: 'response.output_text.done', item_id: 'msg_1', output_index: 0, content_index: 0, text },
    },
    { event: 'response.completed', data: { type: 'response.completed', response } },
  ]);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeProviders(options: FakeOptions): Promise<FakeProviders> {
  const served: Served[] = [];
  let received = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const n = ++received;
    const raw = await readBody(req);
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    const api =
      req.url === '/v1/messages'
        ? 'anthropic'
        : req.url === '/v1/chat/completions'
          ? 'chat'
          : req.url === '/v1/responses'
            ? 'responses'
            : null;
    if (api === null || req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    const authorised =
      api === 'anthropic'
        ? typeof req.headers['x-api-key'] === 'string'
        : /^Bearer /.test(req.headers.authorization ?? '');
    if (!authorised) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          type: 'error',
          error: { type: 'authentication_error', message: 'invalid x-api-key' },
        }),
      );
      return;
    }
    if (options.rateLimitEvery && n % options.rateLimitEvery === 0) {
      res.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': String(options.retryAfterSeconds ?? 0),
      });
      res.end(
        JSON.stringify({
          type: 'error',
          error: {
            type: 'rate_limit_error',
            message: 'Number of request tokens has exceeded your per-minute rate limit',
          },
        }),
      );
      return;
    }
    if (options.serverErrorEvery && n % options.serverErrorEvery === 0) {
      res.writeHead(api === 'anthropic' ? 529 : 500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
      return;
    }
    if (options.malformedEvery && n % options.malformedEvery === 0) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"msg_trunc","type":"message","content":[{"type":"te');
      return;
    }
    const body = JSON.parse(raw) as Record<string, unknown>;
    const model = String(body.model);
    const prompt = promptOf(body);
    const text = options.answer(model, prompt);
    const stream = body.stream === true;
    served.push({ api, model, prompt, stream });
    if (api === 'anthropic') anthropic(res, model, text, prompt, stream);
    else if (api === 'chat') chat(res, model, text, prompt, stream);
    else responses(res, model, text, prompt, stream);
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    anthropicBase: `http://127.0.0.1:${port}`,
    openaiBase: `http://127.0.0.1:${port}/v1`,
    served,
    get received() {
      return received;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
