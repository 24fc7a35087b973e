import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local provider for gateway tests and benches, on 127.0.0.1: Anthropic Messages, OpenAI Chat Completions
 * and Responses, streamed and not, in the documented shapes (values invented). Each answer's usage is made
 * from a counter so that no two are alike, and the mock remembers, per request id (the `request-id` /
 * `x-request-id` header it answers with, which the gateway keeps as the record's dedup key), the total tokens
 * it reported (uncached input + cache read + cache write + output), for the metering check.
 *
 * Behaviour by request header `x-mock`: `429` and `500` answer those statuses in the provider's error shape
 * (429 with retry-after), `hang` never answers, `slow` spaces stream events by 30 ms, `long` streams 200
 * deltas.
 */
export interface MockLlm {
  url: string;
  /** Total tokens reported per request id. */
  sent: Map<string, number>;
  /** Requests seen, with the headers and body the gateway sent. */
  seen: { path: string; headers: http.IncomingHttpHeaders; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

export interface MockOptions {
  /** Keep `seen` (tests); a bench leaves it off. */
  record?: boolean;
}

export async function startMockLlm(options: MockOptions = { record: true }): Promise<MockLlm> {
  let n = 0;
  const sent = new Map<string, number>();
  const seen: MockLlm['seen'] = [];
  const server: Server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const text = Buffer.concat(parts).toString('utf8');
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (path === '/__sent') {
        // The metering check of a bench whose mock runs in its own process.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(Object.fromEntries(sent)));
        if (req.method === 'DELETE') sent.clear();
        return;
      }
      if (options.record) seen.push({ path, headers: req.headers, body });
      n += 1;
      handle(n, path, req, body, res, sent);
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function handle(
  n: number,
  path: string,
  req: IncomingMessage,
  body: Record<string, unknown>,
  res: ServerResponse,
  sent: Map<string, number>,
): void {
  const mode = String(req.headers['x-mock'] ?? '');
  const anthropic = path.startsWith('/v1/messages');
  if (mode === 'hang') return;
  if (mode === '429' || mode === '500') {
    const status = Number(mode);
    const err = anthropic
      ? {
          type: 'error',
          error: { type: status === 429 ? 'rate_limit_error' : 'api_error', message: `mock ${status}` },
        }
      : {
          error: {
            message: `mock ${status}`,
            type: status === 429 ? 'rate_limit_exceeded' : 'server_error',
            code: null,
          },
        };
    res.writeHead(status, {
      'content-type': 'application/json',
      ...(status === 429 ? { 'retry-after': '7' } : {}),
      'x-mock-marker': 'kept',
    });
    res.end(JSON.stringify(err));
    return;
  }
  const stream = body.stream === true;
  const model = typeof body.model === 'string' ? body.model : 'unknown-model';
  const deltas = mode.includes('long') ? 200 : 3;
  const gap = mode.includes('slow') ? 30 : 0;
  if (path === '/v1/messages/count_tokens') return json(res, { input_tokens: 42 });
  if (path === '/v1/messages') return anthropicAnswer(n, model, stream, deltas, gap, res, sent);
  if (path === '/v1/chat/completions') return chatAnswer(n, model, body, deltas, gap, res, sent);
  if (path === '/v1/responses') return responsesAnswer(n, model, stream, deltas, gap, res, sent);
  res.writeHead(404);
  res.end();
}

function json(res: ServerResponse, doc: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(doc);
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Writes SSE events one by one, `gap` ms apart (0: all at once). */
function sse(res: ServerResponse, events: string[], gap: number, headers: Record<string, string>): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
  if (gap === 0) return void res.end(events.join(''));
  let i = 0;
  const next = () => {
    if (res.destroyed) return;
    if (i >= events.length) return void res.end();
    res.write(events[i++]);
    setTimeout(next, gap);
  };
  next();
}

const ev = (event: string | null, data: unknown) =>
  `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

function anthropicAnswer(
  n: number,
  model: string,
  stream: boolean,
  deltas: number,
  gap: number,
  res: ServerResponse,
  sent: Map<string, number>,
): void {
  const id = `msg_mock${n}`;
  const usage = {
    input_tokens: 10 + (n % 7),
    cache_creation_input_tokens: 30 + (n % 5),
    cache_read_input_tokens: 200 + n,
    cache_creation: { ephemeral_5m_input_tokens: 20 + (n % 5), ephemeral_1h_input_tokens: 10 },
    output_tokens: 5 + (n % 11),
    service_tier: 'standard',
  };
  sent.set(
    `req_mock${n}`,
    usage.input_tokens +
      usage.cache_creation_input_tokens +
      usage.cache_read_input_tokens +
      usage.output_tokens,
  );
  const headers = { 'request-id': `req_mock${n}` };
  if (!stream)
    return json(
      res,
      {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [{ type: 'text', text: 'Hello!' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage,
      },
      headers,
    );
  const events = [
    ev('message_start', {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    }),
    ev('content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    }),
    ev('ping', { type: 'ping' }),
    ...Array.from({ length: deltas }, (_, i) =>
      ev('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: `word${i} ` },
      }),
    ),
    ev('content_block_stop', { type: 'content_block_stop', index: 0 }),
    ev('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    }),
    ev('message_stop', { type: 'message_stop' }),
  ];
  sse(res, events, gap, headers);
}

function chatAnswer(
  n: number,
  model: string,
  body: Record<string, unknown>,
  deltas: number,
  gap: number,
  res: ServerResponse,
  sent: Map<string, number>,
): void {
  const id = `chatcmpl-mock${n}`;
  const usage = {
    prompt_tokens: 100 + n,
    completion_tokens: 20 + (n % 9),
    total_tokens: 0,
    prompt_tokens_details: { cached_tokens: 64, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 8, audio_tokens: 0 },
  };
  usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  sent.set(`req_oa_mock${n}`, usage.total_tokens);
  const headers = { 'x-request-id': `req_oa_mock${n}` };
  const created = 1_780_000_000;
  if (body.stream !== true)
    return json(
      res,
      {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Hello!', refusal: null },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage,
        service_tier: 'default',
      },
      headers,
    );
  const withUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    ev(null, {
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      service_tier: 'default',
      choices,
      ...(withUsage ? { usage: null } : {}),
      ...extra,
    });
  const events = [
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]),
    ...Array.from({ length: deltas }, (_, i) =>
      chunk([{ index: 0, delta: { content: `word${i} ` }, logprobs: null, finish_reason: null }]),
    ),
    chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]),
    ...(withUsage ? [chunk([], { usage })] : []),
    ev(null, '[DONE]'),
  ];
  sse(res, events, gap, headers);
}

function responsesAnswer(
  n: number,
  model: string,
  stream: boolean,
  deltas: number,
  gap: number,
  res: ServerResponse,
  sent: Map<string, number>,
): void {
  const id = `resp_mock${n}`;
  const usage = {
    input_tokens: 300 + n,
    input_tokens_details: { cached_tokens: 128 },
    output_tokens: 40 + (n % 13),
    output_tokens_details: { reasoning_tokens: 16 },
    total_tokens: 0,
  };
  usage.total_tokens = usage.input_tokens + usage.output_tokens;
  sent.set(`req_rs_mock${n}`, usage.total_tokens);
  const headers = { 'x-request-id': `req_rs_mock${n}` };
  const message = {
    id: `msg_rs${n}`,
    type: 'message',
    status: 'completed',
    role: 'assistant',
    content: [{ type: 'output_text', text: 'Hello!', annotations: [] }],
  };
  const response = (status: string, withUsage: boolean) => ({
    id,
    object: 'response',
    created_at: 1_780_000_000,
    status,
    model,
    output: status === 'completed' ? [message] : [],
    usage: withUsage ? usage : null,
    service_tier: 'default',
  });
  if (!stream) return json(res, response('completed', true), headers);
  let seq = 0;
  const events = [
    ev('response.created', {
      type: 'response.created',
      sequence_number: seq++,
      response: response('in_progress', false),
    }),
    ...Array.from({ length: deltas }, (_, i) =>
      ev('response.output_text.delta', {
        type: 'response.output_text.delta',
        sequence_number: seq++,
        item_id: message.id,
        output_index: 0,
        content_index: 0,
        delta: `word${i} `,
      }),
    ),
    ev('response.completed', {
      type: 'response.completed',
      sequence_number: seq++,
      response: response('completed', true),
    }),
  ];
  sse(res, events, gap, headers);
}
