import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { UsageRecord } from '../domain/usage.js';
import type { Budgets } from './budgets.js';
import { downstreamHeaders, presentedKey, upstreamHeaders } from './headers.js';
import type { KeyBook } from './key-book.js';
import type { KeyEntry } from './key-spec.js';
import type { CaptureWriter } from '../audit/capture-writer.js';
import { AnswerTap } from './answer-tap.js';
import type { IdleWatch } from './idle-watch.js';
import { isUsageChunk, Meter } from './meter.js';
import { servedRecord, type RequestTags } from './record.js';
import { errorBody, refusalAnswer } from './refusal.js';
import { SseReader, type SseEvent } from './sse.js';
import type { GatewayStats } from './stats.js';
import { requestTags } from './tags.js';
import {
  CREDENTIAL_ENV,
  credentialHeader,
  upstreamPath,
  type Route,
  type Upstream,
  type Upstreams,
} from './upstreams.js';

export interface ProxyDeps {
  keys: KeyBook;
  upstreams: Upstreams;
  /** Makes a record durable (the spool's group commit); calls `then` once it is, always (fail open). */
  commit: (record: UsageRecord, then: () => void) => void;
  stats: GatewayStats;
  /** An upstream that sends nothing for this long is answered 504 (or, mid-answer, cut). */
  timeoutMs: number;
  /** The timer that enforces `timeoutMs` for every call in flight. */
  idle: IdleWatch;
  /** Largest request body taken (Claude Code sends images and long contexts). */
  maxBodyBytes: number;
  budgets: Budgets;
  /**
   * Sampled capture for the model-selection audit: requests of workflows that opted in (`audit_capture` in
   * mileage.yaml) are handed to the writer with their answer; `wants` says which workflows, so the answers of
   * every other request are never read.
   */
  capture?: { wants: (workflow: string) => boolean; writer: Pick<CaptureWriter, 'append'> } | undefined;
}

// One pool of kept-alive connections per scheme for every upstream: the hot path opens no new socket.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 1024 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 1024 }),
};

/** What every request to an upstream shares, worked out once per upstream rather than once per request. */
interface Prepared {
  request: typeof http.request;
  agent: http.Agent;
  hostname: string;
  port: string | undefined;
  credential: [string, string];
}
const prepared = new WeakMap<Upstream, Prepared>();
function preparedFor(up: Upstream): Prepared {
  let p = prepared.get(up);
  if (!p) {
    const tls = up.base.protocol === 'https:';
    p = {
      request: tls ? https.request : http.request,
      agent: agents[tls ? 'https:' : 'http:'],
      hostname: up.base.hostname,
      port: up.base.port || undefined,
      credential: credentialHeader(up),
    };
    prepared.set(up, p);
  }
  return p;
}

/** The part of a request body the gateway reads: never the prompt, only what routes and meters it. */
interface Asked {
  json: Record<string, unknown> | null;
  model: string | null;
  stream: boolean;
}

function asked(body: Buffer): Asked {
  try {
    const json = JSON.parse(body.toString('utf8')) as unknown;
    if (json === null || typeof json !== 'object' || Array.isArray(json))
      return { json: null, model: null, stream: false };
    const doc = json as Record<string, unknown>;
    return {
      json: doc,
      model: typeof doc.model === 'string' ? doc.model : null,
      stream: doc.stream === true,
    };
  } catch {
    return { json: null, model: null, stream: false };
  }
}

/**
 * An OpenAI chat stream meters only when its last chunk carries usage: when the client did not ask for it,
 * the gateway asks on its behalf (and strips that chunk from what the client receives). The only case
 * where the body sent upstream differs from the client's.
 */
function withUsageAsked(route: Route, a: Asked, body: Buffer): { body: Buffer; strip: boolean } {
  if (route.api !== 'openai-chat' || !a.stream || !a.json) return { body, strip: false };
  const options = a.json.stream_options;
  const opts = options !== null && typeof options === 'object' ? (options as Record<string, unknown>) : {};
  if (opts.include_usage === true) return { body, strip: false };
  const changed = { ...a.json, stream_options: { ...opts, include_usage: true } };
  return { body: Buffer.from(JSON.stringify(changed)), strip: true };
}

function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Handles one request on a proxied route: checks the key, forwards, meters, commits, finishes. */
export function proxy(deps: ProxyDeps, route: Route, req: IncomingMessage, res: ServerResponse): void {
  const start = new Date();
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size <= deps.maxBodyBytes) chunks.push(c);
  });
  req.on('error', () => res.destroy());
  req.on('end', () => {
    if (size > deps.maxBodyBytes) {
      deps.stats.refused('too_large');
      answer(res, 413, errorBody(route.api, 413, `request body over ${deps.maxBodyBytes} bytes`));
      return;
    }
    // One chunk is the common case: no copy.
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
    const a = asked(body);
    // An Azure deployment path names the model a key may call; elsewhere the body does.
    const checked = deps.keys.check(presentedKey(req.headers), route.deployment ?? a.model);
    // Only a sandbox key's cap blocks; budgets alert after the fact (budgets.ts).
    const check =
      checked.ok && checked.key.capUsd !== null && deps.budgets.capped(checked.key)
        ? { ok: false as const, refusal: { kind: 'capped' as const, capUsd: checked.key.capUsd } }
        : checked;
    if (!check.ok) {
      deps.stats.refused(check.refusal.kind);
      const refused = refusalAnswer(route.api, check.refusal);
      answer(res, refused.status, refused.body);
      return;
    }
    const up = deps.upstreams[route.provider];
    if (!up?.credential) {
      deps.stats.refused('no_credential');
      const message = `the gateway holds no ${route.provider} credential (set ${CREDENTIAL_ENV[route.provider]} where it runs)`;
      answer(res, 503, errorBody(route.api, 503, message));
      return;
    }
    const tags = requestTags(req.headers, (a.json?.metadata as { user_id?: unknown } | undefined)?.user_id);
    forward(
      deps,
      { route, up, key: check.key, tags, asked: a, start },
      withUsageAsked(route, a, body),
      req,
      res,
    );
  });
}

interface Call {
  route: Route;
  up: Upstream;
  key: KeyEntry;
  tags: RequestTags;
  asked: Asked;
  start: Date;
}

function forward(
  deps: ProxyDeps,
  call: Call,
  out: { body: Buffer; strip: boolean },
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const requestId = randomUUID();
  const { up, route } = call;
  const p = preparedFor(up);
  const headers = upstreamHeaders(req.headers);
  headers[p.credential[0]] = p.credential[1];
  headers['content-length'] = out.body.length;
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  const upstream = p.request({
    agent: p.agent,
    method: 'POST',
    hostname: p.hostname,
    port: p.port,
    path: q < 0 ? upstreamPath(up, target, '') : upstreamPath(up, target.slice(0, q), target.slice(q)),
    headers,
  });
  const down = new Downstream(res);
  let ttftMs: number | null = null;
  let status = 0;
  let upstreamRequestId: string | null = null;
  const meter = new Meter(route.api);
  const workflow = call.tags.workflow ?? call.key.workflow ?? null;
  const tap =
    route.metered && workflow !== null && call.asked.json !== null && deps.capture?.wants(workflow)
      ? new AnswerTap(route.api)
      : null;
  let done = false;

  /** Every ending goes through here once: the record is made durable, then the client's last byte is sent. */
  const finish = (finalStatus: number, cut: boolean, tail?: string) => {
    if (done) return;
    done = true;
    const end = new Date();
    const record = route.metered
      ? servedRecord({
          requestId,
          provider: up.provider,
          stream: up.stream ?? null,
          requestedModel: call.asked.model ?? route.deployment ?? null,
          metered: meter.result(),
          key: call.key,
          tags: call.tags,
          start: call.start,
          end,
          status: finalStatus,
          ttftMs,
          clientAborted: down.gone,
          upstreamRequestId,
        })
      : null;
    const captured = tap && !cut && finalStatus === 200 ? tap.result() : null;
    if (captured && workflow !== null && call.asked.json !== null && record) {
      // Never awaited and never throws (the writer resolves every outcome): capture cannot slow an answer.
      void deps.capture?.writer.append({
        workflow,
        at: call.start.toISOString(),
        format: route.api,
        request: call.asked.json,
        model: record.model ?? call.asked.model ?? 'unknown',
        answer: captured.answer,
        usage: captured.usage,
        latency_ms: end.getTime() - call.start.getTime(),
        id: requestId,
      });
    }
    deps.idle.done(watched);
    if (record) deps.budgets.add(call.key, record);
    deps.stats.served(up.provider, finalStatus, end.getTime() - call.start.getTime(), ttftMs);
    const last = () => (cut ? down.cut() : down.finish(tail));
    if (record) deps.commit(record, last);
    else last();
  };

  const watched = deps.idle.watch(() => upstream.destroy(new UpstreamTimeout()));
  upstream.on('error', (e) => {
    if (status !== 0) return finish(status, true); // broke mid-answer: what the client got is all it gets
    const timeout = e instanceof UpstreamTimeout;
    const code = timeout ? 504 : 502;
    const message = timeout
      ? `the ${up.provider} upstream sent nothing for ${deps.timeoutMs} ms`
      : `the ${up.provider} upstream could not be reached`;
    deps.stats.upstreamError(timeout ? 'timeout' : 'connect');
    down.head(code, { 'content-type': 'application/json' });
    finish(code, false, errorBody(route.api, code, message));
  });

  let answered: IncomingMessage | null = null;
  upstream.on('response', (answer: IncomingMessage) => {
    watched.last = Date.now();
    answered = answer;
    if (down.gone) answer.resume();
    status = answer.statusCode ?? 502;
    const rid = answer.headers['request-id'] ?? answer.headers['x-request-id'];
    upstreamRequestId = typeof rid === 'string' ? rid : null;
    const sse = (answer.headers['content-type'] ?? '').includes('text/event-stream');
    const strip = out.strip && sse;
    down.head(status, downstreamHeaders(answer.headers, strip));
    const reader = sse
      ? new SseReader((e: SseEvent) => {
          meter.event(e);
          tap?.event(e);
          if (strip && !isUsageChunk(e)) down.write(e.raw, answer);
        })
      : null;
    const bodyParts: Buffer[] = [];
    let bodySize = 0;
    answer.on('data', (c: Buffer) => {
      const now = Date.now();
      watched.last = now;
      ttftMs ??= now - call.start.getTime();
      if (reader && strip) {
        // The events of one chunk leave in one socket write, not one each.
        res.cork();
        reader.feed(c);
        res.uncork();
      } else if (reader) reader.feed(c);
      else if (bodySize < METERED_BODY_BYTES) {
        bodyParts.push(c);
        bodySize += c.length;
      }
      if (!strip) down.write(c, answer);
    });
    answer.on('end', () => {
      if (!reader && status < 400) {
        const whole = bodyParts.length === 1 ? (bodyParts[0] as Buffer) : Buffer.concat(bodyParts);
        // Parsed once, for the meter and (opted-in workflows only) the capture.
        const doc = meter.body(whole.toString('utf8'));
        tap?.body(doc);
      }
      finish(status, false, strip ? reader?.tail() : undefined);
    });
    answer.on('error', () => finish(status, true));
    answer.on('aborted', () => finish(status, true));
  });

  // A client that goes away does not stop the upstream: the answer is read to its end and metered.
  res.on('close', () => {
    if (!res.writableFinished) down.leave(answered);
  });
  upstream.end(out.body);
}

/** Bodies larger than this are forwarded but not metered (no usage block is that far into a JSON answer). */
const METERED_BODY_BYTES = 16 * 1024 * 1024;

class UpstreamTimeout extends Error {
  override readonly name = 'UpstreamTimeout';
}

/**
 * The client's side of a response. It holds back the last piece written, so that the answer's final bytes
 * leave only after its record is durable (`finish`), and it keeps the upstream flowing when the client is
 * slow (pausing it until the client drains) or gone (discarding what arrives).
 */
class Downstream {
  private held: Buffer | string | null = null;
  gone = false;

  constructor(private readonly res: ServerResponse) {}

  head(status: number, headers: http.OutgoingHttpHeaders): void {
    if (!this.gone && !this.res.headersSent) this.res.writeHead(status, headers);
  }

  write(piece: Buffer | string, source: IncomingMessage): void {
    const previous = this.held;
    this.held = piece;
    if (previous === null || this.gone) return;
    if (!this.res.write(previous) && !this.gone) {
      source.pause();
      this.res.once('drain', () => source.resume());
    }
  }

  finish(tail?: string): void {
    if (this.gone) return;
    // One write for the common case (a whole answer in one piece): the last piece goes with the end.
    if (this.held !== null && tail) this.res.write(this.held);
    if (tail) this.res.end(tail);
    else if (this.held !== null) this.res.end(this.held);
    else this.res.end();
  }

  /** The upstream broke mid-answer: the client's connection is cut, so it never mistakes a part for the whole. */
  cut(): void {
    if (!this.gone) this.res.destroy();
  }

  leave(answer: IncomingMessage | null): void {
    this.gone = true;
    this.held = null;
    // Whatever was paused for this client flows again, into the meter only.
    answer?.resume();
  }
}
