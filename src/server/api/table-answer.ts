import type { Context } from 'hono';
import type { MetricTable } from '../../metrics/table.js';
import { metricTableCsv } from '../../report/csv.js';
import { dayOf } from '../../domain/time.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../errors.js';

export type TableFormat = 'json' | 'csv';

/** The server's today, in the org's time zone: the "as of" day of a table with no window of its own. */
export const serverToday = (deps: Pick<ServerDeps, 'now' | 'timeZone'>): string =>
  dayOf(deps.now?.() ?? new Date(), deps.timeZone);

/** `format=json|csv` of a request (default json). */
export function tableFormat(url: URL): TableFormat {
  const format = url.searchParams.get('format') ?? 'json';
  if (format !== 'json' && format !== 'csv') throw new HttpError('bad_request', 'format expects json or csv');
  return format;
}

/**
 * A table as a CSV download (the dashboard's "Download CSV" buttons): named after what it is, its grouping
 * and its window, so two downloads of different windows never overwrite each other.
 */
export function csvDownload(c: Context, name: string, table: MetricTable): Response {
  const file = [name, table.by ?? 'all', table.window.since, table.window.until].join('_');
  return c.body(metricTableCsv(table), 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${file.replace(/[^\w.-]/g, '-')}.csv"`,
  });
}

/** One named table of a larger answer (`?table=NAME`): `{ table }` as JSON, or its CSV. */
export function tableAnswer(c: Context, name: string, table: MetricTable, format: TableFormat): Response {
  return format === 'csv' ? csvDownload(c, name, table) : c.json({ table });
}

/**
 * `?table=NAME` of a route whose answer holds several tables: the named table as JSON or CSV, a 400 naming
 * the tables when NAME is none of them, or null when no table is asked for (the route answers as usual).
 */
export function askedTable(
  c: Context,
  url: URL,
  names: readonly string[],
  build: (name: string) => MetricTable | null,
  prefix = '',
): Response | null {
  const name = url.searchParams.get('table');
  if (name === null) return null;
  const table = names.includes(name) ? build(name) : null;
  if (!table) throw new HttpError('bad_request', `table expects one of ${names.join(', ')}`);
  return tableAnswer(c, `${prefix}${name}`.replace(/[:|]/g, '-'), table, tableFormat(url));
}
