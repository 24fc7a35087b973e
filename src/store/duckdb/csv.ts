import { quoteCsvField } from '../../domain/csv-quote.js';

export type CsvValue = string | number | boolean | null | undefined;

/** One CSV field: quoted only when it must be; null is the empty unquoted field. */
function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = value;
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

/** The same for rows given as values in the order of `names` (no object per row: the hot paths' form). */
export function csvValuesText(rows: readonly (readonly CsvValue[])[], names: readonly string[]): string {
  const lines = [names.join(',')];
  const fields: string[] = [];
  for (const row of rows) {
    fields.length = row.length;
    for (let i = 0; i < row.length; i++) fields[i] = csvField(row[i]);
    lines.push(fields.join(','));
  }
  return lines.join('\n') + '\n';
}
