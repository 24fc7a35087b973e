import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { UsageRecord } from '../domain/usage.js';
import { UsageWriter, type WriterStats } from '../server/usage-writer.js';
import type { RecordStore } from './remote.js';
import { parseGatewayRecords } from './shipped.js';

/** What the gateway's writer has done: the usage writer's counts, and the log's state. */
export interface DrainStats extends WriterStats {
  /** Lines of the log that were no records (a torn last line after a kill -9, or a damaged file). */
  unreadable: number;
  /** Sealed segments waiting to be stored at the last pass. */
  waitingSegments: number;
}

/** The writer's side of the gateway's record log (record-log.ts), wherever it runs. */
export interface Drain {
  readonly stats: DrainStats;
  /** Stores every sealed segment now; resolves once done (segments the store failed stay for later). */
  pass(): Promise<void>;
  /** Records the log could not take (a broken disk): stored from memory, so they are not lost with it. */
  adopt(records: readonly UsageRecord[]): void;
  /** A last pass, then stops; resolves once done. */
  close(): Promise<void>;
}

export interface LogDrainOptions {
  /** A pass every this many milliseconds. */
  everyMs?: number;
  /** At most this many records per append (whole segments: one may go over). */
  batchRecords?: number;
  onTrouble?: (message: string) => void;
}

/**
 * Drains the gateway's record log into a store: every `everyMs`, the sealed segments in order, a batch of
 * them at a time, read, checked as gateway records (shipped.ts: a damaged or foreign line is counted and
 * told, never stored), appended through the usage writer (one refused record never takes the others with
 * it) and deleted once stored. A segment whose append failed (the store away) stays and is tried again at
 * the next pass; one stored but not yet deleted when the process dies is stored again at the next start
 * under the same ids, so nothing counts twice. Runs off the request path: in the gateway's writer thread
 * (cli/gateway-writer.ts), or in the gateway's own thread for a store given in-process (tests).
 */
export class LogDrain implements Drain {
  private readonly writer: UsageWriter;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private readonly batchRecords: number;
  readonly stats: DrainStats;

  constructor(
    readonly dir: string,
    store: RecordStore,
    private readonly options: LogDrainOptions = {},
  ) {
    this.writer = new UsageWriter(store, {
      onTrouble: options.onTrouble,
      flushMs: 60_000,
      batchSize: options.batchRecords ?? 10_000,
    });
    this.batchRecords = options.batchRecords ?? 10_000;
    this.stats = Object.assign(this.writer.stats, { unreadable: 0, waitingSegments: 0 });
  }

  /** Starts the periodic passes. */
  start(): this {
    this.timer = setInterval(() => void this.pass(), this.options.everyMs ?? 1_000);
    this.timer.unref();
    return this;
  }

  pass(): Promise<void> {
    if (this.running) {
      // One pass at a time; a pass asked for during one runs right after it (it may see newer segments).
      this.again = true;
      return this.running.then(() => this.pass());
    }
    this.running = this.drain().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  adopt(records: readonly UsageRecord[]): void {
    this.writer.add(records, true);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.closed) return;
    await this.pass();
    this.closed = true;
    await this.writer.close();
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      await this.writer.flush(); // adopted records first
      const segments = await sealedSegments(this.dir);
      this.stats.waitingSegments = segments.length;
      while (segments.length > 0) {
        const batch: string[] = [];
        const records: UsageRecord[] = [];
        while (segments.length > 0 && (batch.length === 0 || records.length < this.batchRecords)) {
          const file = segments.shift() as string;
          const read = await this.read(file);
          if (read === null) continue;
          batch.push(file);
          for (const r of read) records.push(r);
        }
        try {
          await this.writer.store(records);
        } catch {
          return; // the store failed them: they stay for the next pass (the writer told why)
        }
        await Promise.all(batch.map((f) => rm(join(this.dir, f), { force: true })));
        this.stats.waitingSegments = segments.length;
      }
    } while (this.again);
  }

  /** A segment's records; null when it cannot be read now (it stays). */
  private async read(file: string): Promise<UsageRecord[] | null> {
    let text: string;
    try {
      text = await readFile(join(this.dir, file), 'utf8');
    } catch (e) {
      // Deleted since it was listed: another pass stored it. Anything else is told, and it stays.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        this.options.onTrouble?.(`cannot read ${file} of the gateway log: ${(e as Error).message}`);
      return null;
    }
    const { records, problems } = parseGatewayRecords(text, join(this.dir, file));
    if (problems.length > 0) {
      this.stats.unreadable += problems.length;
      const p = problems[0];
      this.options.onTrouble?.(
        `${problems.length} lines of the gateway log were no records, e.g. ${p?.file}:${p?.line}: ${p?.message}`,
      );
    }
    return records;
  }
}

/** The sealed segments of a log folder, oldest first. */
async function sealedSegments(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => /^\d{12}\.jsonl$/.test(f)).sort();
  } catch {
    return [];
  }
}
