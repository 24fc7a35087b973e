import type { UsageRecord } from '../domain/usage.js';
import { keepEventSessions, metricSessions } from '../otlp/index.js';
import type { AppendResult, Db } from '../store/db.js';

export interface UsageWriterOptions {
  /** Append when this many records are waiting. */
  batchSize?: number;
  /** Append what is waiting after this many milliseconds at most. */
  flushMs?: number;
  /** Past this many waiting records new ones are dropped (counted, reported once), never blocking a caller. */
  maxQueued?: number;
  /** Told once per kind of trouble (a full queue, a failed append); the writer itself never throws. */
  onTrouble?: (message: string) => void;
}

export interface WriterStats {
  queued: number;
  written: number;
  alreadyStored: number;
  /** Metric records left out because their session has per-request events (see otlp/session-rule.ts). */
  superseded: number;
  dropped: number;
  failed: number;
}

const KNOWN_SESSIONS_CAP = 200_000;

/**
 * Batches usage records into the store: callers `add` and return at once; records are appended every
 * `batchSize` records or `flushMs` milliseconds, one append at a time (the store has one connection).
 * Before an append, metric records of sessions that have per-request events are left out (the session
 * rule), looking sessions up in the store when this process has not seen their events. `close` appends
 * everything still waiting.
 */
export class UsageWriter {
  private queue: UsageRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private pending: Promise<void> | null = null;
  private readonly eventSessions = new Set<string>();
  private readonly told = new Set<string>();
  private closed = false;
  readonly stats: WriterStats = {
    queued: 0,
    written: 0,
    alreadyStored: 0,
    superseded: 0,
    dropped: 0,
    failed: 0,
  };
  private readonly batchSize: number;
  private readonly flushMs: number;
  private readonly maxQueued: number;

  constructor(
    private readonly db: Db,
    private readonly options: UsageWriterOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 5_000;
    this.flushMs = options.flushMs ?? 1_000;
    this.maxQueued = options.maxQueued ?? 1_000_000;
  }

  /** Queues records; returns how many were accepted (the rest were dropped because the queue is full). */
  add(records: readonly UsageRecord[]): number {
    if (records.length === 0) return 0;
    const room = this.closed ? 0 : Math.max(0, this.maxQueued - this.queue.length);
    const accepted = Math.min(room, records.length);
    for (let i = 0; i < accepted; i++) this.queue.push(records[i] as UsageRecord);
    if (accepted < records.length) {
      this.stats.dropped += records.length - accepted;
      this.tell('full', `usage queue full (${this.maxQueued} records): dropping records until it drains`);
    }
    this.stats.queued = this.queue.length;
    if (this.queue.length >= this.batchSize) void this.flush();
    else if (!this.timer && this.queue.length > 0) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
    return accepted;
  }

  /** Appends everything waiting now; resolves when it is stored (or has failed and been reported). */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.pending ??= this.exclusive(async () => {
      this.pending = null;
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.batchSize);
        this.stats.queued = this.queue.length;
        await this.write(batch);
      }
    });
    return this.pending;
  }

  /** Runs `work` between appends, never during one (pricing and ledger refreshes use the same store). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.chain.then(work);
    this.chain = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Stops accepting records and appends what is waiting. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    await this.chain;
  }

  private async write(batch: UsageRecord[]): Promise<void> {
    try {
      const kept = await this.applySessionRule(batch);
      this.stats.superseded += batch.length - kept.length;
      const result: AppendResult = await this.db.appendUsage(kept);
      this.stats.written += result.written;
      this.stats.alreadyStored += result.alreadyStored;
    } catch (error) {
      this.stats.failed += batch.length;
      this.tell(
        'append',
        `cannot store usage records: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private async applySessionRule(batch: UsageRecord[]): Promise<UsageRecord[]> {
    if (this.eventSessions.size > KNOWN_SESSIONS_CAP) this.eventSessions.clear();
    for (const r of batch) {
      if (r.granularity === 'request' && r.hints.sessionId)
        this.eventSessions.add(`${r.source}\u0000${r.hints.sessionId}`);
    }
    const unknown = metricSessions(batch).filter(
      (s) => !this.eventSessions.has(`${s.source}\u0000${s.sessionId}`),
    );
    if (unknown.length > 0) {
      const params: Record<string, string> = {};
      const pairs = unknown.map((s, i) => {
        params[`s${i}`] = s.source;
        params[`i${i}`] = s.sessionId;
        return `(source = $s${i} AND session_id = $i${i})`;
      });
      const rows = await this.db.query(
        `SELECT DISTINCT source, session_id FROM usage WHERE granularity = 'request' AND (${pairs.join(' OR ')})`,
        params,
      );
      for (const row of rows) this.eventSessions.add(`${String(row.source)}\u0000${String(row.session_id)}`);
    }
    return keepEventSessions(batch, (source, sessionId) =>
      this.eventSessions.has(`${source}\u0000${sessionId}`),
    );
  }

  private tell(kind: string, message: string): void {
    if (this.told.has(kind)) return;
    this.told.add(kind);
    this.options.onTrouble?.(message);
  }
}
