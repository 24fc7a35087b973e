import type { UsageRecord } from '../domain/usage.js';
import { keepEventSessions, metricSessions } from '../otlp/index.js';
import type { AppendResult, Db, Dialect } from '../store/db.js';
import { dialectFor } from '../store/sql/dialect.js';
import { GroupCommit } from './group-commit.js';

export interface UsageWriterOptions {
  /** Append when this many records are waiting. */
  batchSize?: number;
  /** Append what is waiting after this many milliseconds at most. */
  flushMs?: number;
  /** Past this many waiting records new ones are dropped (counted, reported once), never blocking a caller. */
  maxQueued?: number;
  /** Told of trouble (a full queue, a refused record, a failed append): the first time, then at most once a minute with the count since; the writer itself never throws. */
  onTrouble?: (message: string) => void;
  /**
   * The receiver's log (spool.ts): a flush seals its open segment first and releases the sealed segments
   * once everything it took is stored, so a record leaves the log only when it is in the store.
   */
  log?: { seal(): Promise<number[]>; release(segments: readonly number[]): void };
  /**
   * Appends of `store` that may run at once (a shared store such as ClickHouse takes concurrent inserts and
   * gathers them itself): requests then share writes by group commit (group-commit.ts) instead of waiting for
   * each other's appends one at a time. 1 (the default) keeps the embedded store's one append at a time.
   */
  concurrentAppends?: number;
}

export interface WriterStats {
  queued: number;
  written: number;
  alreadyStored: number;
  /** False once a store said it did not look for stored ids (ClickHouse's async inserts: dedup is at read). */
  alreadyStoredKnown: boolean;
  /** Metric records left out because their session has per-request events (see otlp/session-rule.ts). */
  superseded: number;
  dropped: number;
  /** Records the store refused one by one (isolated from their batch, which was stored without them). */
  refused: number;
  /** Records not stored because the store failed (kept in the receiver's log, stored again at the next start). */
  failed: number;
}

const KNOWN_SESSIONS_CAP = 200_000;
/** Records per group-committed write: large inserts are what a column store takes best. */
const GROUP_COMMIT_RECORDS = 50_000;
const TROUBLE_EVERY_MS = 60_000;

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
  private pending: Promise<boolean> | null = null;
  private readonly eventSessions = new Set<string>();
  private readonly told = new Map<string, { at: number; since: number }>();
  /** Log segments holding records the store failed to take: kept for the next start to store again. */
  private readonly retained = new Set<number>();
  private closed = false;
  readonly stats: WriterStats = {
    queued: 0,
    written: 0,
    alreadyStored: 0,
    alreadyStoredKnown: true,
    superseded: 0,
    dropped: 0,
    refused: 0,
    failed: 0,
  };
  private readonly batchSize: number;
  private readonly flushMs: number;
  private readonly maxQueued: number;
  private readonly groups: GroupCommit<UsageRecord> | null;

  constructor(
    // Only appends and the session rule's look-up: the gateway hands it a link to the server instead.
    private readonly db: Pick<Db, 'appendUsage' | 'query'> & { readonly dialect?: Dialect },
    private readonly options: UsageWriterOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 5_000;
    this.flushMs = options.flushMs ?? 1_000;
    this.maxQueued = options.maxQueued ?? 1_000_000;
    const slots = options.concurrentAppends ?? 1;
    this.groups =
      slots > 1 ? new GroupCommit((batch) => this.write(batch), slots, GROUP_COMMIT_RECORDS) : null;
  }

  /** Whether `count` more records fit in the queue now (false once closed): the receiver asks before it acknowledges. */
  hasRoom(count: number): boolean {
    return !this.closed && this.queue.length + count <= this.maxQueued;
  }

  /**
   * Queues records; returns how many were accepted (the rest were dropped because the queue is full).
   * `force` queues them all: records already acknowledged from the receiver's log are never dropped.
   */
  add(records: readonly UsageRecord[], force = false): number {
    if (records.length === 0) return 0;
    const room = force ? records.length : this.closed ? 0 : Math.max(0, this.maxQueued - this.queue.length);
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
    return this.flushing().then(() => undefined);
  }

  /**
   * Queues records and resolves once the flush holding them has stored them; rejects when the store failed
   * them. For a store with no log beside it (ClickHouse: servers keep nothing on local disk), the receiver
   * answers only then, so an acknowledged record is in the store and an unacknowledged one is sent again.
   * Requests arriving together share one append (the flush takes everything queued).
   */
  async store(records: readonly UsageRecord[]): Promise<void> {
    if (this.groups) {
      if (!(await this.groups.submit(records))) throw new Error('the store did not take the records; retry');
      return;
    }
    this.add(records, true);
    if (!(await this.flushing())) throw new Error('the store did not take the records; retry');
  }

  /** The flush of everything queued now: true when every batch was stored. */
  private flushing(): Promise<boolean> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.pending ??= this.exclusive(async () => {
      this.pending = null;
      // Every record of a sealed segment is in the queue by now (the log hands records on before it seals).
      const sealed = (await this.options.log?.seal()) ?? [];
      let stored = true;
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.batchSize);
        this.stats.queued = this.queue.length;
        if (!(await this.write(batch))) stored = false;
      }
      if (!stored) for (const n of sealed) this.retained.add(n);
      this.options.log?.release(sealed.filter((n) => !this.retained.has(n)));
      return stored;
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
    await this.groups?.settled();
    await this.chain;
  }

  /** Stores a batch; false when the store failed (not a refused record: the store itself). */
  private async write(batch: UsageRecord[]): Promise<boolean> {
    let kept: UsageRecord[];
    try {
      kept = await this.applySessionRule(batch);
    } catch (error) {
      this.stats.failed += batch.length;
      this.tell('append', `cannot store usage records: ${messageOf(error)}`);
      return false;
    }
    this.stats.superseded += batch.length - kept.length;
    const outcome = await this.append(kept);
    if (outcome.stored === 0 && outcome.refused > 0 && kept.length > 1) {
      // Every record refused alone: the store is failing, not the records. They stay in the log.
      this.stats.refused -= outcome.refused;
      this.stats.failed += outcome.refused;
      return false;
    }
    return true;
  }

  /**
   * Appends `records`; when the store refuses the batch, halves it until the records it refuses are alone,
   * so one bad record never takes the others with it (issue 19: one cost of 1e30 lost 2,001 records).
   */
  private async append(records: UsageRecord[]): Promise<{ stored: number; refused: number }> {
    if (records.length === 0) return { stored: 0, refused: 0 };
    try {
      const result: AppendResult = await this.db.appendUsage(records);
      this.stats.written += result.written;
      this.stats.alreadyStored += result.alreadyStored;
      if (result.alreadyStoredKnown === false) this.stats.alreadyStoredKnown = false;
      // Records the store's own last check left out (out of bounds): refused alone, the batch stored.
      const refused = result.refused ?? [];
      this.stats.refused += refused.length;
      for (const r of refused)
        this.tell(
          'refused',
          `the store refused usage record ${r.id}: ${r.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
        );
      return { stored: records.length - refused.length, refused: refused.length };
    } catch (error) {
      if (records.length === 1) {
        this.stats.refused += 1;
        this.tell('refused', `the store refused usage record ${records[0]?.id ?? ''}: ${messageOf(error)}`);
        return { stored: 0, refused: 1 };
      }
      const half = Math.ceil(records.length / 2);
      const a = await this.append(records.slice(0, half));
      const b = await this.append(records.slice(half));
      return { stored: a.stored + b.stored, refused: a.refused + b.refused };
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
      const sql = dialectFor(this.db.dialect ?? 'duckdb');
      const pairs = unknown.map((s, i) => {
        params[`s${i}`] = s.source;
        params[`i${i}`] = s.sessionId;
        return `(source = ${sql.param(`s${i}`, 'String')} AND session_id = ${sql.param(`i${i}`, 'String')})`;
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

  /** Reports trouble the first time, then at most once a minute per kind, with how often it happened since. */
  private tell(kind: string, message: string): void {
    const now = Date.now();
    const last = this.told.get(kind);
    if (last && now - last.at < TROUBLE_EVERY_MS) {
      last.since += 1;
      return;
    }
    const more = last && last.since > 0 ? ` (and ${last.since} more times since the last report)` : '';
    this.told.set(kind, { at: now, since: 0 });
    this.options.onTrouble?.(message + more);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
