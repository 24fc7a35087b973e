import { weekStart, type DayWindow } from '../domain/time.js';

/** The ledger rollups a statement that sums spend over a window may read. */
export type LedgerRollup = 'ledger_daily' | 'ledger_weekly';

/** Whether the window starts on a Monday and ends on one: whole ISO weeks. */
export function isWholeWeeks(window: DayWindow): boolean {
  return weekStart(window.since) === window.since && weekStart(window.until) === window.until;
}

/**
 * The coarsest rollup that answers a statement over `windows` exactly. `ledger_weekly` holds the daily rows
 * summed per ISO week (its `day` is the Monday): over whole weeks every sum, every filter on the window's
 * bounds and every `date_trunc('week', day)` is the same on either table, with a sixth of the rows to read.
 * Only statements that use the day at no finer grain than the week may ask (not a calendar, not a daily
 * series), and a statement reading `max(cost)` reads `top_cost` on the weekly table (workloads.ts).
 */
export function ledgerRollup(...windows: DayWindow[]): LedgerRollup {
  return windows.length > 0 && windows.every(isWholeWeeks) ? 'ledger_weekly' : 'ledger_daily';
}
