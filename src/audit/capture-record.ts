import { createHash } from 'node:crypto';
import { z } from 'zod';
import { orgId } from '../org/schema.js';
import { REQUEST_FORMATS } from './dataset.js';

/**
 * The capture format: what an opted-in workflow (or the attribution gateway) records of one request, as one
 * JSON line in `<capture dir>/<workflow>/<YYYY-MM-DD>.jsonl` (the UTC day of `at`). Version 1:
 *
 *   {"v":1,"workflow":"alert-triage","at":"2026-12-07T09:14:03.120Z","format":"anthropic-messages",
 *    "request":{"model":"claude-opus-4-1","max_tokens":64,"messages":[…]},
 *    "model":"claude-opus-4-1","answer":"{\"severity\": 2, …}",
 *    "usage":{"input_tokens":812,"output_tokens":19,"cache_read_input_tokens":0},
 *    "latency_ms":1840,"id":"req_0192","tags":["sev2"]}
 *
 * A line is content (the request and the answer): it lives only in the capture directory, apart from the
 * store, and is deleted with its day when the workflow's retention runs out.
 */
export const CAPTURE_FORMAT_VERSION = 1;

export const captureRecordSchema = z.strictObject({
  /** The format's version, so a later change can be read alongside older days. */
  v: z.literal(CAPTURE_FORMAT_VERSION),
  /** The workflow the request served: its id in mileage.yaml, which must have opted in. */
  workflow: orgId,
  /** When the request was made, ISO 8601 with a zone; its UTC day names the file it lives in. */
  at: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 time such as 2026-12-07T09:14:03Z' }),
  /** The request's API, which is also the shape of `request` and `usage`. */
  format: z.enum(REQUEST_FORMATS),
  /** The request body in the provider's own format, as it was sent. */
  request: z.record(z.string(), z.unknown(), { error: 'expected the request body as a JSON object' }),
  /** The model that answered: the workload's incumbent. */
  model: z.string().trim().min(1).max(200),
  /** The incumbent's answer, as text (the concatenated text blocks of the response). */
  answer: z.string({ error: "expected the incumbent's answer as text" }),
  /** The provider's usage block, as returned (Anthropic `usage`, OpenAI `usage`). */
  usage: z.record(z.string(), z.unknown(), { error: "expected the response's usage block as a JSON object" }),
  latency_ms: z.number().nonnegative().optional(),
  /** The workflow's own id for the request; when absent the case id is derived from the line's content. */
  id: z.string().trim().min(1).max(200).optional(),
  /** Carried into a sampled dataset, where a quality bar's subsets select on them. */
  tags: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
});
export type CaptureRecord = z.infer<typeof captureRecordSchema>;
/** What a writer hands over: the record without its format version, which the writer adds. */
export type CaptureInput = Omit<CaptureRecord, 'v'>;

/** A line refused, by place and reason. Reasons never quote the line: it is content. */
export interface CaptureProblem {
  file: string;
  line: number;
  field: string | null;
  message: string;
}

/** The record a line holds, or why it holds none (in words that carry nothing of the line's content). */
export function parseCaptureLine(
  raw: string,
): { ok: true; record: CaptureRecord } | { ok: false; field: string | null; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    // JSON.parse's own message quotes the text around the error: content, so it is not repeated.
    return { ok: false, field: null, message: 'not JSON (a cut or corrupted line)' };
  }
  const parsed = captureRecordSchema.safeParse(json);
  if (parsed.success) return { ok: true, record: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || null;
  const message =
    issue?.code === 'unrecognized_keys'
      ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`
      : issue?.code === 'invalid_value' && field === 'v'
        ? `expected capture format version ${CAPTURE_FORMAT_VERSION}`
        : (issue?.message ?? 'not a capture record');
  return { ok: false, field, message };
}

/** The UTC day a record belongs to, and the name of its file. */
export function captureDay(at: string): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** A case id for a record: the workflow's own id, else a digest of the request and time (stable across reads). */
export function captureCaseId(record: CaptureRecord): string {
  if (record.id !== undefined) return record.id;
  const digest = createHash('sha256')
    .update(JSON.stringify([record.workflow, record.at, record.request]))
    .digest('hex');
  return `cap-${digest.slice(0, 16)}`;
}
