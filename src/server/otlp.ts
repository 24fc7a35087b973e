import { Hono } from 'hono';
import { formatProblem, type Problem } from '../domain/parse-result.js';
import type { UsageRecord } from '../domain/usage.js';
import {
  CumulativeSeries,
  decodeLogs,
  decodeMetrics,
  decodeSpans,
  decompress,
  encodeResponse,
  encodeStatus,
  encodingOf,
  MalformedPayload,
  parseBody,
  rejectedField,
  type Decoded,
  type Encoding,
  type Signal,
} from '../otlp/index.js';
import { readBody } from './body.js';

/** Bodies larger than this (compressed or not) get 413; exporters batch far below it. */
const SIGNALS: readonly Signal[] = ['metrics', 'logs', 'traces'];

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** google.rpc.Code INVALID_ARGUMENT, the code of a 400 OTLP error body. */
const INVALID_ARGUMENT = 3;
const MAX_ERROR_MESSAGE = 1_000;

export interface OtlpReceiverOptions {
  /** Where records go; must return at once (the batching writer). */
  sink: { add(records: readonly UsageRecord[]): number };
  /** State of cumulative metric series, kept across requests. */
  series?: CumulativeSeries;
  maxBodyBytes?: number;
  /** Told of every rejected item (for logs); the exporter is told through partial_success. */
  onProblems?: (signal: Signal, problems: readonly Problem[]) => void;
}

export interface ReceiverCounters {
  requests: number;
  items: number;
  records: number;
  rejected: number;
  malformed: number;
}

/**
 * The OTLP/HTTP receiver, POST /v1/metrics, /v1/logs and /v1/traces: JSON or protobuf, optionally gzip. Each
 * request is decoded at once and answered before anything is stored (the sink batches), so an exporter never
 * waits on the database: 200 (with partial_success naming the rejected items and why), 400 with the reason
 * for a malformed payload, 413 over the size cap, 415 for an unknown content type or encoding, 405 with Allow
 * for another method.
 */
export function otlpApp(options: OtlpReceiverOptions): { app: Hono; counters: ReceiverCounters } {
  const series = options.series ?? new CumulativeSeries();
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const counters: ReceiverCounters = { requests: 0, items: 0, records: 0, rejected: 0, malformed: 0 };
  const decoders: Record<Signal, (doc: unknown, file: string) => Decoded> = {
    metrics: (doc, file) => decodeMetrics(doc, file, series),
    logs: decodeLogs,
    traces: decodeSpans,
  };
  const receive = async (signal: Signal, request: Request): Promise<Response> => {
    counters.requests += 1;
    const contentType = request.headers.get('content-type') ?? undefined;
    const encoding = encodingOf(contentType);
    if (!encoding) {
      return fail(
        'json',
        415,
        `unsupported Content-Type "${contentType ?? ''}" (use application/json or application/x-protobuf)`,
      );
    }
    const body = await readBody(request, maxBytes);
    if (!body.ok) return fail(encoding, body.error.status, body.error.message, true);
    const raw = decompress(body.value, request.headers.get('content-encoding') ?? undefined, maxBytes);
    if (!raw.ok) return fail(encoding, raw.error.status, raw.error.message);
    const doc = parseBody(signal, encoding, raw.value);
    if (!doc.ok) {
      counters.malformed += 1;
      return fail(encoding, doc.error.status, doc.error.message);
    }
    let decoded: Decoded;
    try {
      decoded = decoders[signal](doc.value, `otlp /v1/${signal}`);
    } catch (error) {
      if (!(error instanceof MalformedPayload)) throw error;
      counters.malformed += 1;
      return fail(encoding, 400, `not an OTLP ${signal} request: ${error.message}`);
    }
    options.sink.add(decoded.records);
    counters.items += decoded.items;
    counters.records += decoded.records.length;
    counters.rejected += decoded.rejected;
    if (decoded.problems.length > 0) options.onProblems?.(signal, decoded.problems);
    const message = decoded.problems.map(formatProblem).join('; ').slice(0, MAX_ERROR_MESSAGE);
    return respond(encoding, signal, decoded.rejected, message);
  };
  const app = new Hono();
  for (const signal of SIGNALS) {
    app.post(`/v1/${signal}`, (c) => receive(signal, c.req.raw));
    app.all(`/v1/${signal}`, (c) => c.text('method not allowed\n', 405, { allow: 'POST' }));
  }
  return { app, counters };
}

function respond(encoding: Encoding, signal: Signal, rejected: number, message: string): Response {
  if (encoding === 'protobuf') {
    return new Response(Buffer.from(encodeResponse(signal, rejected, message)), {
      status: 200,
      headers: { 'content-type': 'application/x-protobuf' },
    });
  }
  // int64 as a decimal string, as the OTLP JSON mapping writes it.
  const body =
    rejected > 0 || message
      ? { partialSuccess: { [rejectedField(signal)]: String(rejected), errorMessage: message } }
      : {};
  return Response.json(body);
}

/** An OTLP error response: google.rpc.Status in the request's encoding. */
function fail(encoding: Encoding, status: number, message: string, close = false): Response {
  const headers: Record<string, string> = close ? { connection: 'close' } : {};
  if (encoding === 'protobuf') {
    return new Response(Buffer.from(encodeStatus(INVALID_ARGUMENT, message)), {
      status,
      headers: { ...headers, 'content-type': 'application/x-protobuf' },
    });
  }
  return Response.json({ code: INVALID_ARGUMENT, message }, { status, headers });
}
