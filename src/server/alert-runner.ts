import { delivered } from '../governance/channels.js';
import { sendWeeklyDigests } from '../governance/digest-send.js';
import { runAlerts, type AlertRunSummary, type GovernanceRuntime } from '../governance/run.js';
import type { Db } from '../store/db.js';
import type { Maintenance } from './maintenance.js';
import type { ServerStats } from './stats.js';

export interface AlertRunnerOptions {
  db: Db;
  runtime: GovernanceRuntime;
  maintenance: Maintenance;
  stats: ServerStats;
  /** Minutes between scheduled evaluations (0: only after ledger refreshes and when asked). */
  intervalMinutes: number;
  log: (message: string) => void;
}

/**
 * Alert rules while `mileage serve` runs: after every ledger refresh (so after every ingest, OTLP batch and
 * sync), on a schedule, and when an admin asks. Runs never overlap: a request during a run waits for the
 * next one, which starts as soon as the current one ends (at most one waits). Alerting never throws into
 * the caller: a failure is logged and counted.
 */
export class AlertRunner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<AlertRunSummary | null> | null = null;
  private again = false;
  private stopped = false;
  last: AlertRunSummary | null = null;

  constructor(private readonly o: AlertRunnerOptions) {}

  start(): void {
    if (this.timer || this.o.intervalMinutes <= 0) return;
    this.timer = setInterval(() => void this.trigger(), this.o.intervalMinutes * 60_000);
    this.timer.unref();
  }

  /** Evaluate now, or right after the run under way. */
  trigger(): Promise<AlertRunSummary | null> {
    if (this.stopped) return Promise.resolve(null);
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.runOnce().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        void this.trigger();
      }
    });
    return this.running;
  }

  private async runOnce(): Promise<AlertRunSummary | null> {
    try {
      const summary = await runAlerts({
        db: this.o.db,
        runtime: this.o.runtime,
        exclusive: (work) => this.o.maintenance.exclusive(work),
        log: this.o.log,
      });
      this.last = summary;
      // The managers' weekly digest goes out with the first evaluation of each week.
      const digest = await sendWeeklyDigests(this.o.db, this.o.runtime, new Date(), (work) =>
        this.o.maintenance.exclusive(work),
      );
      for (const [team, outcome] of Object.entries(digest?.sent ?? {}))
        if (!delivered(outcome)) this.o.log(`weekly alert digest for ${team}: ${outcome}`);
      this.o.stats.syncRun('alerts', 'ok');
      for (const s of summary.sent)
        for (const [channel, outcome] of Object.entries(s.deliveries))
          if (!delivered(outcome)) this.o.log(`alert ${s.id} (${s.rule}) on ${channel}: ${outcome}`);
      return summary;
    } catch (error) {
      this.o.stats.syncRun('alerts', 'failed');
      this.o.stats.error('alerts');
      this.o.log(`alert rules failed: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}
