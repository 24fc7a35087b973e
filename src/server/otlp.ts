import { Hono } from 'hono';
import { withPremiumRate, type PremiumRate } from '../domain/copilot-billing.js';
import { formatProblem, type Problem } from '../domain/parse-result.js';
import { currentAcceptedTimes } from '../domain/accepted-times.js';
import { checkUsageRecord } from '../domain/record-bounds.js';
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
/** google.rpc.Code UNAVAILABLE, the code of a 503 (retry). */
const UNAVAILABLE = 14;
const MAX_ERROR_MESSAGE = 1_000;

/** Seconds an exporter is told to wait (Retry-After) when the receiver cannot take more now. */
export const RETRY_AFTER_SECONDS = 2;

/** Where the receiver's records go: the receiver's log, then the batching writer. */
export interface OtlpSink {
  /** Whether `count` more records can be taken now; when not, the answer is 503 with Retry-After. */
  hasRoom(count: number): boolean;
  /** Resolves once the records are durable (on disk), so they may be acknowledged; rejects when they cannot be kept. */
  add(records: readonly UsageRecord[]): Promise<void>;
}

export interface OtlpReceiverOptions {
  sink: OtlpSink;
  /** State of cumulative metric series, kept across requests. */
  series?: CumulativeSeries;
  maxBodyBytes?: number;
  /** Told of every rejected item (for logs); the exporter is told through partial_success. */
  onProblems?: (signal: Signal, problems: readonly Problem[]) => void;
  /** The org's price of a Copilot premium request (mileage.yaml), as the agent-log ingest applies it. */
  premiumRate?: PremiumRate;
}

export interface ReceiverCounters {
  requests: number;
  items: number;
  records: number;
  rejected: number;
  malformed: number;
  /** Requests answered 503 (full queue, a log that cannot be written): the exporter retries them. */
  unavailable: number;
}

/**
 * The OTLP/HTTP receiver, POST /v1/metrics, /v1/logs and /v1/traces: JSON or protobuf, optionally gzip. Each
 * request is decoded at once; every record is checked against the store's bounds (a bad one is rejected
 * alone); the good ones are written to the receiver's log (fsync'ed, group commit) and then answered, never
 * waiting on the database: 200 (with partial_success counting the rejected items and saying why), 503 with
 * Retry-After when the queue is full or the log cannot be written (the exporter retries; nothing was kept),
 * 400 with the reason for a malformed payload, 413 over the size cap, 415 for an unknown content type or
 * encoding, 405 with Allow for another method.
 */
export function otlpApp(options: OtlpReceiverOptions): { app: Hono; counters: ReceiverCounters } {
  const series = options.series ?? new CumulativeSeries();
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const counters: ReceiverCounters = {
    requests: 0,
    items: 0,
    records: 0,
    rejected: 0,
    malformed: 0,
    unavailable: 0,
  };
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
    // Each record within the bounds the store can hold, or rejected alone (named in partial_success).
    const file = `otlp /v1/${signal}`;
    const problems = [...decoded.problems];
    // Once per request: the accepted range reads the environment and the clock.
    const times = currentAcceptedTimes();
    const records = decoded.records.filter((r) => {
      if (options.premiumRate) withPremiumRate(r, options.premiumRate);
      const bad = checkUsageRecord(r, times);
      const which = r.dedupKey ?? r.id;
      for (const p of bad)
        problems.push({ file, line: null, field: p.field, message: `${p.message} (record ${which})` });
      return bad.length === 0;
    });
    const rejected = decoded.rejected + (decoded.records.length - records.length);
    if (records.length > 0) {
      // Acknowledged only once durable; when it cannot take them, the exporter is told to retry later.
      if (!options.sink.hasRoom(records.length)) {
        counters.unavailable += 1;
        return unavailable(encoding, 'the receiver is busy storing what it has: retry later');
      }
      try {
        await options.sink.add(records);
      } catch (error) {
        counters.unavailable += 1;
        return unavailable(encoding, `the receiver cannot keep records now (${(error as Error).message})`);
      }
    }
    counters.items += decoded.items;
    counters.records += records.length;
    counters.rejected += rejected;
    if (problems.length > 0) options.onProblems?.(signal, problems);
    const message = problems.map(formatProblem).join('; ').slice(0, MAX_ERROR_MESSAGE);
    return respond(encoding, signal, rejected, message);
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

/** 503 with Retry-After: a retryable answer (OTLP/HTTP spec), nothing of the request was kept. */
function unavailable(encoding: Encoding, message: string): Response {
  return fail(encoding, 503, message, false, UNAVAILABLE, { 'retry-after': String(RETRY_AFTER_SECONDS) });
}

/** An OTLP error response: google.rpc.Status in the request's encoding. */
function fail(
  encoding: Encoding,
  status: number,
  message: string,
  close = false,
  code = INVALID_ARGUMENT,
  extra: Record<string, string> = {},
): Response {
  const headers: Record<string, string> = { ...(close ? { connection: 'close' } : {}), ...extra };
  if (encoding === 'protobuf') {
    return new Response(Buffer.from(encodeStatus(code, message)), {
      status,
      headers: { ...headers, 'content-type': 'application/x-protobuf' },
    });
  }
  return Response.json({ code, message }, { status, headers });
}
