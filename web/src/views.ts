import { downloadCsv, tableSource } from './api.js';
import { metricLink } from './definitions.js';
import { el, type Children } from './dom.js';
import { byUnit } from './format.js';
import type { MetricRow, MetricTable, Window } from './types.js';

/** Building blocks every page uses: sections, number tiles, metric tables and their notes. */
let sectionCount = 0;

export function section(title: string, ...children: Children[]): HTMLElement {
  const id = `s${++sectionCount}`;
  return el('section', { 'aria-labelledby': id }, el('h2', { id }, title), ...children);
}

export function pageHeader(title: string, lead: string, window?: Window): HTMLElement {
  return el(
    'div',
    { class: 'page-header' },
    el('h1', {}, title),
    el('p', { class: 'lead' }, lead),
    window
      ? el('p', { class: 'window', 'data-window': `${window.since}/${window.until}` }, windowText(window))
      : null,
  );
}

export function windowText(w: Window): string {
  return `${w.since} to ${w.until} (exclusive)`;
}

/** A headline number: its label, and the value as a link to the metric's definition. */
export function kpi(name: string, label: string, value: string, metricId: string): HTMLElement {
  return el(
    'div',
    { class: 'kpi', 'data-kpi': name },
    el('span', { class: 'kpi-label' }, label),
    metricLink(metricId, value),
  );
}

export function kpis(...tiles: HTMLElement[]): HTMLElement {
  return el('div', { class: 'kpis' }, tiles);
}

export function notes(list: string[]): HTMLElement | null {
  if (!list.length) return null;
  return el(
    'ul',
    { class: 'notes', 'aria-label': 'Notes' },
    list.map((n) => el('li', {}, n)),
  );
}

export interface TableOptions {
  caption: string;
  /** The table's name for readers and tests (`data-table`), when it is not a catalog metric's table. */
  name?: string;
  columns?: string[];
  limit?: number;
  labelHeader?: string;
  rowLink?: (row: MetricRow) => string | null;
  rows?: MetricRow[];
  /** False under a second view of a table whose notes are already shown above it. */
  notes?: boolean;
}

/**
 * A catalog metric's table: one row per group, a column per value; every number links to the metric's
 * definition. Rows and cells carry their key and column id so that a reader (or a test) can match them to
 * the API's answer.
 */
export function metricTable(table: MetricTable, o: TableOptions): HTMLElement {
  const columns = o.columns
    ? o.columns.flatMap((id) => table.columns.filter((c) => c.id === id))
    : table.columns;
  const rows = (o.rows ?? table.rows).slice(0, o.limit ?? Infinity);
  const wrap = el(
    'div',
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': o.caption },
    el(
      'table',
      { 'data-table': o.name ?? table.metric },
      el('caption', {}, o.caption),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { scope: 'col' }, o.labelHeader ?? table.by ?? ''),
          columns.map((c) =>
            el('th', { scope: 'col', 'data-col': c.id }, c.label, el('span', { class: 'unit' }, c.unit)),
          ),
        ),
      ),
      el(
        'tbody',
        {},
        rows.map((row) => {
          const href = o.rowLink?.(row) ?? null;
          return el(
            'tr',
            { 'data-key': row.key },
            el('th', { scope: 'row' }, href ? el('a', { href }, row.label) : row.label),
            columns.map((c) => {
              const v = row.values[c.id] ?? null;
              const text = byUnit(c.unit, v);
              const numeric =
                typeof v === 'number' || (typeof v === 'string' && v !== '' && !isNaN(Number(v)));
              return el(
                'td',
                { 'data-col': c.id, class: numeric ? 'n' : null },
                numeric ? metricLink(table.metric, text) : text,
              );
            }),
          );
        }),
      ),
    ),
  );
  const hidden = (o.rows ?? table.rows).length - rows.length;
  return el(
    'div',
    { class: 'metric-table' },
    wrap,
    hidden > 0 ? el('p', { class: 'more' }, `${hidden} more rows not shown.`) : null,
    o.notes === false ? null : notes(table.notes),
    downloadButton(table, o.caption),
  );
}

/**
 * A table the page draws itself (badges, buttons, folded messages) with its download under it: `table` is the
 * same table as data (src/report/page-tables.ts), marked with the request that answers it (api.ts fromAnswer).
 */
export function withDownload(drawn: HTMLElement, table: MetricTable, caption: string): HTMLElement {
  return el('div', { class: 'metric-table' }, drawn, downloadButton(table, caption));
}

/** "Download CSV" under a table the API can give again: the whole table, every row, as the API has it. */
export function downloadButton(table: MetricTable, caption: string): HTMLElement | null {
  const source = tableSource(table);
  if (!source) return null;
  const button = el(
    'button',
    {
      type: 'button',
      class: 'csv',
      'data-csv': source.name,
      // The request the table answered (path, filters and window), so that a reader can fetch it as JSON.
      'data-source': source.path,
      'data-query': source.params.toString(),
      'aria-label': `Download CSV: ${caption}`,
    },
    'Download CSV',
  );
  button.addEventListener('click', () => {
    void downloadCsv(source).catch((e: unknown) => {
      button.textContent = `CSV failed: ${e instanceof Error ? e.message : String(e)}`;
    });
  });
  return button;
}

export function message(text: string, kind: 'empty' | 'error' = 'empty'): HTMLElement {
  return el('p', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : null }, text);
}

export const num = (v: unknown): number => (v === null || v === undefined || v === '' ? NaN : Number(v));
