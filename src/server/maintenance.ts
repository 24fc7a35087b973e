import { finishIngest } from '../ingest/finish.js';
import type { PriceResolver } from '../ingest/pricing-pass.js';
import type { Db } from '../store/db.js';

/**
 * One queue for everything that writes to the store while the server runs (the OTLP writer's appends, API
 * ingestion, token changes, syncs): the store has one connection, and a transaction must not interleave
 * with another write. After records arrive, pricing and the ledger refresh run once, shortly after the last
 * write (debounced), rather than once per request.
 */
export class Maintenance {
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly book: PriceResolver,
    /** The queue writes go through (the OTLP writer's `exclusive`, so its appends are serialised too). */
    readonly exclusive: <T>(work: () => Promise<T>) => Promise<T>,
    private readonly options: {
      debounceMs?: number;
      onError?: (e: unknown) => void;
      /** Told whenever the store's data changed (records stored, ledger refreshed). */
      onChange?: () => void;
      /** Told after each ledger refresh, once the writes are done (to warm caches for the new data). */
      onRefreshed?: () => void;
    } = {},
  ) {}

  private deadline = 0;

  /**
   * New records are stored: price them and refresh the ledger within `withinMs` (default the debounce). A
   * steady stream still gets refreshed: an earlier deadline is never pushed back.
   */
  touched(withinMs = this.options.debounceMs ?? 2_000): void {
    this.dirty = true;
    this.options.onChange?.();
    const due = Date.now() + withinMs;
    if (this.timer && this.deadline <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.deadline = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refresh().catch((e: unknown) => this.options.onError?.(e));
    }, withinMs);
    this.timer.unref();
  }

  /** Prices new records and refreshes the ledger now, if anything changed. */
  refresh(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.dirty) return this.exclusive(() => Promise.resolve());
    this.dirty = false;
    return this.exclusive(async () => {
      await finishIngest(this.db, this.book);
      this.options.onChange?.();
    }).then(() => this.options.onRefreshed?.());
  }
}
