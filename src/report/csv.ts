import { quoteCsvField } from '../domain/csv-quote.js';
import type { Cell, MetricTable } from '../metrics/table.js';

/**
 * A catalog metric's table as CSV (RFC 4180), for spreadsheets and the platform team's own tools: values as
 * the metric computed them — money as exact decimal strings, shares as fractions, counts whole — with each
 * column's unit in its header. An empty cell is no value; an unpriced amount is empty too, never 0.
 */
export function metricTableCsv(t: MetricTable): string {
  const header = [t.by ?? 'row', ...t.columns.map((c) => `${c.label} (${c.unit})`)];
  const rows = t.rows.map((r) => [r.label, ...t.columns.map((c) => cellText(r.values[c.id] ?? null))]);
  return [header, ...rows].map((cells) => cells.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function cellText(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return v;
}

/**
 * One field, quoted when it must be. A text that a spreadsheet would run as a formula (= + - @, tab, CR at its
 * start: team or key names come from users) is prefixed with an apostrophe; numbers are left as they are.
 */
export function csvField(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(text) ? `'${text}` : text;
  return quoteCsvField(safe);
}
