import type { WeeklyReport } from '../diagnostics/weekly.js';

/** JSON output: money as exact decimal strings (never floats), shares as numbers. */
export function renderWeeklyJson(report: WeeklyReport): string {
  return JSON.stringify(report, (_key, value: unknown) => (isDecimal(value) ? value.toFixed(2) : value), 2);
}

function isDecimal(value: unknown): value is { toFixed(n: number): string; isZero(): boolean } {
  return typeof value === 'object' && value !== null && 'isZero' in value && 'toFixed' in value;
}
