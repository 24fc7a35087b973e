import { quoteCsvField } from '../../domain/csv-quote.js';

/** One CSV field: quoted only when it must be; null is the empty unquoted field. */
function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  // An empty string is quoted so that DuckDB reads it back as '' rather than null.
  return text === '' ? '""' : quoteCsvField(text);
}

/**
 * Rows as CSV in the given column order, for DuckDB's CSV reader: smaller and much faster to write and read
 * than JSON, and far faster than row-by-row inserts.
 */
export function csvText(
  rows: readonly Record<string, string | number | boolean | null | undefined>[],
  names: readonly string[],
): string {
  const lines = [names.join(',')];
  for (const row of rows) lines.push(names.map((n) => csvField(row[n])).join(','));
  return lines.join('\n') + '\n';
}
