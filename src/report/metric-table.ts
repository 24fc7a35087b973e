import { formatUsd, usd, type Usd } from '../domain/money.js';
import type { Cell, MetricColumn, MetricTable } from '../metrics/table.js';
import { table } from './terminal.js';

/**
 * One cell for people: shares as percentages, dollars with cents, large counts grouped. An amount of money
 * (unit exactly `USD`) that is null is unpriced, and says so; a null rate or ratio has no value (—).
 */
export function formatCell(value: Cell, column: MetricColumn): string {
  if (value === null) return column.unit === 'USD' ? 'unpriced' : '—';
  // Money may come as an exact decimal string (never rounded through a float on the way).
  if (typeof value === 'string')
    return column.unit.startsWith('USD') && /^-?\d+(\.\d+)?$/.test(value) ? usdCell(usd(value)) : value;
  if (!Number.isFinite(value)) return '—';
  if (column.unit.startsWith('share') && !column.unit.includes('points'))
    return `${(value * 100).toFixed(1)}%`;
  if (column.unit.startsWith('share points'))
    return `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)} pts`;
  if (column.unit.startsWith('USD')) return usdCell(usd(value));
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) < 0.01 ? value.toPrecision(3) : value.toFixed(2);
}

/** Dollars with cents (four decimals under $1, where cents would hide the figure), thousands grouped. */
export function usdCell(value: Usd): string {
  const abs = value.abs();
  return `${value.isNegative() && !value.isZero() ? '-' : ''}${formatUsd(abs, abs.lt(1) && !abs.isZero() ? 4 : 2)}`;
}

/** A catalog metric's answer as a terminal table, with its window, grouping and every note under it. */
export function renderMetricTable(t: MetricTable): string {
  const head = `${t.metric}${t.by ? ` by ${t.by}` : ''}, ${t.window.since} to ${t.window.until} (exclusive)`;
  const body = table(
    [t.by ?? '', ...t.columns.map((c) => c.label)],
    t.rows.map((r) => [r.label, ...t.columns.map((c) => formatCell(r.values[c.id] ?? null, c))]),
    new Set(t.columns.map((_, i) => i + 1)),
  );
  return [head, body, ...t.notes.map((n) => `· ${n}`)].join('\n');
}
