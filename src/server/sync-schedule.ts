import type { Connector } from '../connectors/sync/connector.js';
import { runSync } from '../connectors/sync/runner.js';
import type { Db } from '../store/db.js';
import type { Maintenance } from './maintenance.js';
import type { ServerStats } from './stats.js';

export interface SyncScheduleOptions {
  db: Db;
  /** The configured API sources, made afresh for each run (secrets are read from the environment then). */
  connectors: () => Promise<Connector[]>;
  intervalMs: number;
  maintenance: Maintenance;
  stats: ServerStats;
  log: (message: string) => void;
}

/**
 * Scheduled syncs of the configured connectors while the server runs, through the same runner as `mileage
 * sync` (incremental, resumable). Runs never overlap: a tick that finds the previous run still going is
 * skipped and counted. Each source syncs inside the store's write queue, so its pages never interleave with
 * other writes; a failing source is logged and counted, and the others go on.
 */
export class SyncSchedule {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly abort = new AbortController();

  constructor(private readonly o: SyncScheduleOptions) {}

  start(): void {
    if (this.timer || this.o.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs);
    this.timer.unref();
  }

  /** One run now, unless one is under way (then 'skipped'). */
  tick(): Promise<'ran' | 'skipped'> {
    if (this.running) {
      this.o.stats.syncRun('all', 'skipped');
      return Promise.resolve('skipped');
    }
    this.running = this.runAll().finally(() => {
      this.running = null;
    });
    return this.running.then(() => 'ran' as const);
  }

  private async runAll(): Promise<void> {
    let connectors: Connector[];
    try {
      connectors = await this.o.connectors();
    } catch (error) {
      this.o.stats.syncRun('config', 'failed');
      this.o.log(`scheduled sync: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    for (const c of connectors) {
      if (this.abort.signal.aborted) return;
      try {
        const summary = await this.o.maintenance.exclusive(() =>
          runSync(this.o.db, c, { signal: this.abort.signal }),
        );
        this.o.stats.syncRun(c.name, 'ok');
        this.o.stats.ingested('sync', summary.written);
        if (summary.written > 0) this.o.maintenance.touched();
      } catch (error) {
        this.o.stats.syncRun(c.name, 'failed');
        this.o.stats.error('sync');
        this.o.log(
          `scheduled sync of ${c.name} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }

  /** Stops scheduling, asks a run under way to stop, and waits for it. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.abort.abort();
    await this.running?.catch(() => undefined);
  }
}
