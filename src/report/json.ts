import type { WeeklyReport } from '../diagnostics/weekly.js';

/** JSON output: money as exact decimal strings (decimal.js serialises itself so), never floats. */
export function renderWeeklyJson(report: WeeklyReport): string {
  return JSON.stringify(report, null, 2);
}
