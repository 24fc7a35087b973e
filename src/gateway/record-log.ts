import {
  closeSync,
  fdatasync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { MileageError } from '../domain/errors.js';
import type { UsageRecord } from '../domain/usage.js';

/**
 * The background sync's period at most: what a crash of the machine (not of the process: a kill -9 loses
 * nothing written) may lose. A sync every 10 ms cost the gateway's event loop about 4% of its time under
 * the bench's load (each one a thread-pool job and a journal commit).
 */
const SYNC_EVERY_MS = 100;
/** The file naming the process that writes a log folder (one gateway per folder). */
const OWNER_FILE = 'gateway.pid';

/**
 * The gateway's append-only log of usage records, and all the request path does with a record (issue 21:
 * the answer is never held up by the store). Storing is another thread's work (log-drain.ts reads sealed
 * segments, stores their records and deletes them), so no record is kept in this process's memory.
 *
 * - `appendThen`: the records of one turn of the event loop are written together with one synchronous
 *   write() at its end (setImmediate), then each caller's `done` runs: its answer's last byte leaves once
 *   its record is in the kernel's page cache, which a kill -9 of the process does not lose. An fdatasync
 *   follows in the background (one at a time, at most every SYNC_EVERY_MS), so a crash of the machine itself
 *   loses at most about the last tenth of a second.
 * - The open segment is `<n>.open`; `seal` (every `sealMs` while it holds records, and at `close`) renames it
 *   `<n>.jsonl`, a sealed segment, which the drain may take; its sync and close follow in the thread pool.
 * - At open, `.open` segments a killed process left are sealed as they are (their records were acknowledged;
 *   a torn last line never was, and the reader skips it).
 * - One gateway per folder: `gateway.pid` names the process writing it, and a second live gateway on the
 *   same folder is refused (their segments would collide).
 *
 * Records are written with their identity values already pseudonymised (domain/pseudonymise.ts), one JSON
 * array per line, in a folder of mode 0700 and files of mode 0600.
 */
export class RecordLog {
  private fd: number | null = null;
  private segment: number;
  private written = false;
  private scheduled = false;
  private waiting: { lines: string; done: (e?: Error) => void }[] = [];
  private syncing: Promise<void> | null = null;
  private unsynced = false;
  private closing: Promise<void>[] = [];
  private broken: Error | null = null;
  private readonly timer: NodeJS.Timeout | null;

  private constructor(
    readonly dir: string,
    next: number,
    sealMs: number | null,
  ) {
    this.segment = next;
    this.timer = sealMs === null ? null : setInterval(() => void this.seal(), sealMs);
    this.timer?.unref();
  }

  /** Opens (creating) the log folder; seals what a previous process left open. */
  static open(dir: string, options: { sealMs?: number | null } = {}): RecordLog {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    claim(dir);
    let last = 0;
    for (const f of readdirSync(dir)) {
      const m = /^(\d{12})\.(open|jsonl)$/.exec(f);
      if (!m) continue;
      const n = Number(m[1]);
      last = Math.max(last, n);
      // Left by a process that is gone (the folder is ours now): its records are as sealed as they will be.
      if (m[2] === 'open') renameSync(join(dir, f), join(dir, sealedName(n)));
    }
    return new RecordLog(dir, last + 1, options.sealMs === undefined ? 1_000 : options.sealMs);
  }

  /**
   * Calls `done` once: with no argument once `records` are written (kill -9 safe), with the error when the
   * log cannot be written. The hot path: no promise per answer.
   */
  appendThen(records: readonly UsageRecord[], done: (e?: Error) => void): void {
    if (this.broken) return done(this.broken);
    if (records.length === 0) return done();
    this.waiting.push({ lines: JSON.stringify(records) + '\n', done });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.writeNow);
    }
  }

  /** Resolves once `records` are written; rejects when the log cannot be written. */
  append(records: readonly UsageRecord[]): Promise<void> {
    return new Promise((resolve, reject) =>
      this.appendThen(records, (e) => (e === undefined ? resolve() : reject(e))),
    );
  }

  /** Everything waiting, in one write() to the open segment; the sync follows in the background. */
  private readonly writeNow = (): void => {
    this.scheduled = false;
    const group = this.waiting;
    this.waiting = [];
    if (group.length === 0) return;
    try {
      if (this.broken) throw this.broken;
      this.fd ??= openSync(join(this.dir, openName(this.segment)), 'a', 0o600);
      const text = group.length === 1 ? (group[0]?.lines ?? '') : group.map((g) => g.lines).join('');
      writeSync(this.fd, text);
    } catch (cause) {
      this.broken ??= new Error(`cannot write the gateway's record log in ${this.dir}`, { cause });
      for (const g of group) g.done(this.broken);
      return;
    }
    this.written = true;
    for (const g of group) g.done();
    this.unsynced = true;
    this.syncing ??= this.syncInBackground();
  };

  /** One fdatasync at a time, each covering every write before it, at most one every SYNC_EVERY_MS. */
  private async syncInBackground(): Promise<void> {
    while (this.unsynced && this.fd !== null) {
      this.unsynced = false;
      const fd = this.fd;
      const started = Date.now();
      await new Promise<void>((resolve) => fdatasync(fd, () => resolve()));
      const rest = SYNC_EVERY_MS - (Date.now() - started);
      if (rest > 0 && this.unsynced) await new Promise((resolve) => setTimeout(resolve, rest));
    }
    this.syncing = null;
  }

  /**
   * Seals the open segment when it holds records: what is waiting is written, the segment renamed `.jsonl`
   * (from then on the drain may store and delete it) and later appends go to the next one. Returns once the
   * sealed segment is synced and closed.
   */
  seal(): Promise<void> {
    this.writeNow();
    const fd = this.fd;
    if (fd === null || !this.written) return Promise.all(this.closing).then(() => undefined);
    const n = this.segment;
    this.fd = null;
    this.written = false;
    this.segment += 1;
    try {
      renameSync(join(this.dir, openName(n)), join(this.dir, sealedName(n)));
    } catch (cause) {
      // Left `.open`, the segment is sealed by the next start instead: nothing is lost, only delayed.
      this.broken ??= new Error(`cannot seal the gateway's record log in ${this.dir}`, { cause });
    }
    const closed = (async () => {
      await this.syncing;
      await new Promise<void>((resolve) => fdatasync(fd, () => resolve()));
      try {
        closeSync(fd);
      } catch {
        // written and synced: a descriptor that will not close loses nothing
      }
    })();
    this.closing.push(closed);
    void closed.then(() => this.closing.splice(this.closing.indexOf(closed), 1));
    return Promise.all(this.closing).then(() => undefined);
  }

  /** Seals what is open and lets the folder go (its sealed segments stay until the drain stores them). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.seal();
    rmSync(join(this.dir, OWNER_FILE), { force: true });
  }
}

/** A segment being written. */
export const openName = (n: number): string => `${String(n).padStart(12, '0')}.open`;
/** A sealed segment, for the drain. */
export const sealedName = (n: number): string => `${String(n).padStart(12, '0')}.jsonl`;

/** Makes this process the folder's writer, unless another live process is. */
function claim(dir: string): void {
  const file = join(dir, OWNER_FILE);
  let owner: number | null = null;
  try {
    owner = Number(readFileSync(file, 'utf8').trim()) || null;
  } catch {
    // no owner yet
  }
  if (owner !== null && owner !== process.pid && alive(owner))
    throw new MileageError(
      'conflict',
      `the gateway log ${dir} is in use by another gateway (process ${owner})`,
      'Give each gateway its own log folder with --spool.',
    );
  writeFileSync(file, `${process.pid}\n`, { mode: 0o600 });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: a process of another user has the number, so it is alive.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
