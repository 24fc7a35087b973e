import { mkdirSync, readdirSync, readFileSync, rm } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { usd } from '../domain/money.js';
import type { UsageRecord } from '../domain/usage.js';

/**
 * The receiver's append-only log: what the OTLP receiver acknowledges is on disk first (issue 19: records
 * acknowledged before the writer's 1 s flush were lost to a kill -9).
 *
 * - `append` writes the records of a request as one JSON line (an array: one serialisation per request,
 *   not per record) to the open segment and resolves once it is fsync'ed; appends that arrive while a write is in progress are written and synced together with the
 *   next one (group commit), so the cost of a sync is shared by every request waiting on it.
 * - `onDurable` hands the records on (to the batching writer) once synced, before `append` resolves.
 * - `seal` closes the open segment (after the write in progress) so that a flush of the writer can tell
 *   which segments it has stored; `release` deletes them once stored.
 * - `replay` (at start) reads every segment left by a previous process, a torn last line ignored (it was
 *   never acknowledged), for the writer to store again: record ids are deterministic, so storing a record
 *   twice keeps one.
 *
 * The gateway's log is another (gateway/record-log.ts): written once per event-loop turn, never fsync'ed on
 * the answer's path, and stored by another thread.
 *
 * Segments hold records with their identity values already pseudonymised (hashed and redacted as the
 * store keeps them: the receiver's sink applies domain/pseudonymise.ts before `append`), in the store's
 * folder with mode 0600, and live only until their records are stored.
 */
export class Spool {
  private handle: FileHandle | null = null;
  private segment: number;
  private readonly sealed: number[] = [];
  private waiting: { lines: string; records: readonly UsageRecord[]; done: (e?: Error) => void }[] = [];
  private writing: Promise<void> | null = null;
  private rotate = false;
  private rotated: (() => void)[] = [];
  private broken: Error | null = null;

  private constructor(
    readonly dir: string,
    private readonly onDurable: (records: readonly UsageRecord[]) => void,
    existing: number[],
  ) {
    this.sealed.push(...existing);
    this.segment = (existing.at(-1) ?? 0) + 1;
  }

  /** Opens (creating) the spool folder; segments already there are sealed, waiting for `replay`. */
  static open(dir: string, onDurable: (records: readonly UsageRecord[]) => void): Spool {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return new Spool(dir, onDurable, segmentsIn(dir));
  }

  /** The records of the segments a previous process left, in order; a torn or unreadable line is counted. */
  replay(): { records: UsageRecord[]; segments: number[]; unreadable: number } {
    const records: UsageRecord[] = [];
    let unreadable = 0;
    for (const n of this.sealed) {
      const text = readFileSync(this.path(n), 'utf8');
      for (const line of text.split('\n')) {
        if (line === '') continue;
        try {
          const parsed = JSON.parse(line) as SpooledRecord | SpooledRecord[];
          // A request's records on one line; a segment of an earlier version has one record a line.
          for (const r of Array.isArray(parsed) ? parsed : [parsed]) records.push(reviveRecord(r));
        } catch {
          unreadable += 1;
        }
      }
    }
    return { records, segments: [...this.sealed], unreadable };
  }

  /** Resolves once `records` are on disk (and handed to onDurable); rejects if the log cannot be written. */
  append(records: readonly UsageRecord[]): Promise<void> {
    return new Promise((resolve, reject) =>
      this.appendThen(records, (e) => (e === undefined ? resolve() : reject(e))),
    );
  }

  /**
   * `append` with a callback, called once: with no argument once `records` are on disk (and handed to
   * onDurable), with the error if the log cannot be written. The gateway's hot path: no promise per answer.
   */
  appendThen(records: readonly UsageRecord[], done: (e?: Error) => void): void {
    if (this.broken) return done(this.broken);
    if (records.length === 0) return done();
    this.waiting.push({ lines: JSON.stringify(records) + '\n', records, done });
    this.writing ??= this.drain();
  }

  /** Closes the open segment once the write in progress is synced; returns every sealed, unreleased segment. */
  async seal(): Promise<number[]> {
    if (this.writing) {
      this.rotate = true;
      await new Promise<void>((resolve) => this.rotated.push(resolve));
    } else await this.rotateNow();
    return [...this.sealed];
  }

  /**
   * Deletes segments whose records are stored, in the thread pool (a segment a crash leaves behind before its
   * deletion is stored again at the next start, under the same ids: nothing counts twice).
   */
  release(segments: readonly number[]): void {
    for (const n of segments) {
      rm(this.path(n), { force: true }, () => undefined);
      const i = this.sealed.indexOf(n);
      if (i >= 0) this.sealed.splice(i, 1);
    }
  }

  /** Waits for the write in progress and closes the open segment (its records stay until released). */
  async close(): Promise<void> {
    await this.writing;
    await this.handle?.close();
    this.handle = null;
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      if (this.rotate) await this.rotateNow();
      const group = this.waiting;
      this.waiting = [];
      try {
        this.handle ??= await open(this.path(this.segment), 'a', 0o600);
        await this.handle.write(group.map((g) => g.lines).join(''));
        await this.handle.datasync();
      } catch (cause) {
        this.broken = new Error(`cannot write the receiver's log in ${this.dir}`, { cause });
        for (const g of [...group, ...this.waiting]) g.done(this.broken);
        this.waiting = [];
        break;
      }
      for (const g of group) {
        this.onDurable(g.records);
        g.done();
      }
    }
    if (this.rotate) await this.rotateNow();
    this.writing = null;
  }

  private async rotateNow(): Promise<void> {
    this.rotate = false;
    if (this.handle) {
      await this.handle.close();
      this.handle = null;
      this.sealed.push(this.segment);
      this.segment += 1;
    }
    for (const resolve of this.rotated.splice(0)) resolve();
  }

  private path(n: number): string {
    return join(this.dir, `${String(n).padStart(12, '0')}.jsonl`);
  }
}

function segmentsIn(dir: string): number[] {
  return readdirSync(dir)
    .map((f) => /^(\d{12})\.jsonl$/.exec(f)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** A usage record as JSON.stringify writes it: times as ISO text, the amount as decimal text. */
export type SpooledRecord = Omit<UsageRecord, 'start' | 'end' | 'cost'> & {
  start: string;
  end: string;
  cost: Omit<UsageRecord['cost'], 'amount'> & { amount: string | null };
};

/** A record back from its JSON text (the spool's lines, the gateway's shipments); throws when it is none. */
export function reviveRecord(r: SpooledRecord): UsageRecord {
  const start = new Date(r.start);
  const end = new Date(r.end);
  if (typeof r.id !== 'string' || Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()))
    throw new Error('not a spooled usage record');
  return {
    ...r,
    start,
    end,
    cost: { ...r.cost, amount: r.cost.amount === null ? null : usd(r.cost.amount) },
  };
}
