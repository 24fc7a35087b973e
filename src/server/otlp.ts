import type { ServerResponse } from 'node:http';
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
import type { Route } from './router.js';

/** Bodies larger than this (compressed or not) get 413; exporters batch far below it. */
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
 * The OTLP/HTTP receiver's routes, POST /v1/metrics, /v1/logs and /v1/traces: JSON or protobuf,
 * optionally gzip. Each request is decoded at once and answered before anything is stored (the sink
 * batches), so an exporter never waits on the database: 200 (with partial_success naming the rejected
 * items and why), 400 with the reason for a malformed payload, 413 over the size cap, 415 for an unknown
 * content type or encoding.
 */
export function otlpRoutes(options: OtlpReceiverOptions): { routes: Route[]; counters: ReceiverCounters } {
  const series = options.series ?? new CumulativeSeries();
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const counters: ReceiverCounters = { requests: 0, items: 0, records: 0, rejected: 0, malformed: 0 };
  const decoders: Record<Signal, (doc: unknown, file: string) => Decoded> = {
    metrics: (doc, file) => decodeMetrics(doc, file, series),
    logs: decodeLogs,
    traces: decodeSpans,
  };
  const route = (signal: Signal): Route => ({
    method: 'POST',
    path: `/v1/${signal}`,
    handler: async (req, res) => {
      counters.requests += 1;
      const encoding = encodingOf(req.headers['content-type']);
      if (!encoding) {
        req.resume();
        return fail(
          res,
          'json',
          415,
          `unsupported Content-Type "${req.headers['content-type'] ?? ''}" (use application/json or application/x-protobuf)`,
        );
      }
      const body = await readBody(req, maxBytes);
      if (!body.ok) return fail(res, encoding, body.error.status, body.error.message, true);
      const raw = decompress(body.value, req.headers['content-encoding'], maxBytes);
      if (!raw.ok) return fail(res, encoding, raw.error.status, raw.error.message);
      const doc = parseBody(signal, encoding, raw.value);
      if (!doc.ok) {
        counters.malformed += 1;
        return fail(res, encoding, doc.error.status, doc.error.message);
      }
      let decoded: Decoded;
      try {
        decoded = decoders[signal](doc.value, `otlp /v1/${signal}`);
      } catch (error) {
        if (!(error instanceof MalformedPayload)) throw error;
        counters.malformed += 1;
        return fail(res, encoding, 400, `not an OTLP ${signal} request: ${error.message}`);
      }
      options.sink.add(decoded.records);
      counters.items += decoded.items;
      counters.records += decoded.records.length;
      counters.rejected += decoded.rejected;
      if (decoded.problems.length > 0) options.onProblems?.(signal, decoded.problems);
      const message = decoded.problems.map(formatProblem).join('; ').slice(0, MAX_ERROR_MESSAGE);
      respond(res, encoding, signal, decoded.rejected, message);
    },
  });
  return { routes: [route('metrics'), route('logs'), route('traces')], counters };
}

function respond(
  res: ServerResponse,
  encoding: Encoding,
  signal: Signal,
  rejected: number,
  message: string,
): void {
  if (encoding === 'protobuf') {
    res.writeHead(200, { 'content-type': 'application/x-protobuf' });
    res.end(encodeResponse(signal, rejected, message));
    return;
  }
  // int64 as a decimal string, as the OTLP JSON mapping writes it.
  const body =
    rejected > 0 || message
      ? { partialSuccess: { [rejectedField(signal)]: String(rejected), errorMessage: message } }
      : {};
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** An OTLP error response: google.rpc.Status in the request's encoding. */
function fail(res: ServerResponse, encoding: Encoding, status: number, message: string, close = false): void {
  const headers: Record<string, string> = close ? { connection: 'close' } : {};
  if (encoding === 'protobuf') {
    res.writeHead(status, { ...headers, 'content-type': 'application/x-protobuf' });
    res.end(encodeStatus(INVALID_ARGUMENT, message));
    return;
  }
  res.writeHead(status, { ...headers, 'content-type': 'application/json' });
  res.end(JSON.stringify({ code: INVALID_ARGUMENT, message }));
}
