import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dayFile, firstKeptDay, pruneWorkflow, workflowDir } from './capture-files.js';
import { optInFor, type CaptureOptIn } from './capture-opt-in.js';
import {
  CAPTURE_FORMAT_VERSION,
  captureDay,
  captureRecordSchema,
  type CaptureInput,
} from './capture-record.js';

/**
 * Writes captured requests of opted-in workflows, applying the opt-in, its sample rate, its daily cap and its
 * retention. It is meant to sit in a request path (a workflow's client, the attribution gateway), so like
 * telemetry it never throws and never needs awaiting: every outcome, failures included, is a value, and the
 * records it drops are counted by reason.
 */
export type CaptureOutcome =
  | { status: 'written'; file: string }
  /** The workflow is not listed under audit_capture: nothing of it may be kept. */
  | { status: 'not_opted_in' }
  /** Left out by the sample rate. */
  | { status: 'not_sampled' }
  /** The day already holds the opt-in's max_cases_per_day. */
  | { status: 'day_full' }
  /** The record's day is already past the retention: it would be deleted at the next prune. */
  | { status: 'expired' }
  | { status: 'invalid'; field: string | null; message: string }
  | { status: 'failed'; message: string };
export type CaptureStatus = CaptureOutcome['status'];

export interface CaptureWriterOptions {
  /** The clock that decides today, for retention (tests fix it). */
  now?: () => Date;
  /** Uniform in [0, 1): the sample rate's draw (tests seed it). */
  random?: () => number;
}

/** A record may be stamped a little ahead of this machine's clock, not a day ahead: retention would never reach it. */
const FUTURE_TOLERANCE_MS = 86_400_000;

export class CaptureWriter {
  readonly counts: Record<CaptureStatus, number> = {
    written: 0,
    not_opted_in: 0,
    not_sampled: 0,
    day_full: 0,
    expired: 0,
    invalid: 0,
    failed: 0,
  };
  /** Lines in each day file this writer has appended to, read from disk once. */
  private readonly lines = new Map<string, number>();
  /** The day each workflow was last pruned on: retention runs once a day per workflow, not per request. */
  private readonly prunedOn = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => Date;
  private readonly random: () => number;

  constructor(
    readonly root: string,
    readonly optIns: readonly CaptureOptIn[],
    options: CaptureWriterOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
  }

  /** Captures one request if its workflow opted in and the sample draws it. Resolves, never rejects. */
  append(input: CaptureInput): Promise<CaptureOutcome> {
    // One write at a time, so the daily cap's count stays exact under concurrent callers.
    const outcome = this.queue
      .then(() => this.write(input))
      .catch((error: unknown): CaptureOutcome => ({
        status: 'failed',
        message: error instanceof Error ? error.message : String(error),
      }));
    this.queue = outcome;
    return outcome.then((o) => {
      this.counts[o.status]++;
      return o;
    });
  }

  private async write(input: CaptureInput): Promise<CaptureOutcome> {
    const optIn = optInFor(this.optIns, input.workflow);
    if (!optIn) return { status: 'not_opted_in' };
    if (optIn.sample_rate < 1 && this.random() >= optIn.sample_rate) return { status: 'not_sampled' };
    const parsed = captureRecordSchema.safeParse({ v: CAPTURE_FORMAT_VERSION, ...input });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return {
        status: 'invalid',
        field: issue?.path.map(String).join('.') || null,
        message: issue?.message ?? 'not a capture record',
      };
    }
    const record = parsed.data;
    const now = this.now();
    if (Date.parse(record.at) > now.getTime() + FUTURE_TOLERANCE_MS)
      return { status: 'invalid', field: 'at', message: 'more than a day in the future' };
    const today = now.toISOString().slice(0, 10);
    const day = captureDay(record.at);
    if (day < firstKeptDay(now, optIn.retention_days)) return { status: 'expired' };
    if (this.prunedOn.get(record.workflow) !== today) {
      await pruneWorkflow(this.root, record.workflow, this.optIns, now);
      this.prunedOn.set(record.workflow, today);
    }
    const file = dayFile(this.root, record.workflow, day);
    const count = this.lines.get(file) ?? (await linesIn(file));
    if (count >= optIn.max_cases_per_day) {
      this.lines.set(file, count);
      return { status: 'day_full' };
    }
    await mkdir(workflowDir(this.root, record.workflow), { recursive: true, mode: 0o700 });
    // One appendFile call per line: O_APPEND keeps lines from concurrent writers whole.
    await appendFile(file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
    this.lines.set(file, count + 1);
    return { status: 'written', file };
  }
}

async function linesIn(file: string): Promise<number> {
  const text = await readFile(file, 'utf8').catch(() => '');
  let n = 0;
  for (const line of text.split('\n')) if (line.trim() !== '') n++;
  return n;
}

/**
 * One capture, for a caller that writes rarely (each call re-reads the day's count); a request path should
 * keep one CaptureWriter instead. Applies the opt-in, sample rate, daily cap and retention; never rejects.
 */
export function appendCapture(
  root: string,
  optIns: readonly CaptureOptIn[],
  input: CaptureInput,
  options?: CaptureWriterOptions,
): Promise<CaptureOutcome> {
  return new CaptureWriter(root, optIns, options).append(input);
}
