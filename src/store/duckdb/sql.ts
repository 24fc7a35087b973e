import { sqlString } from '../sql-text.js';

export { sqlIdent, sqlString } from '../sql-text.js';

/** A `columns = {…}` argument for DuckDB's file readers: names and types fixed, nothing sniffed. */
export function columnsSpec(columns: Record<string, string>): string {
  return `{${Object.entries(columns)
    .map(([name, type]) => `${sqlString(name)}: ${sqlString(type)}`)
    .join(', ')}}`;
}

/**
 * A CSV written by csvText (csv.ts), read back: quoted only where needed, the empty unquoted field is null.
 * Typed by `columns`, or all text.
 */
export function csvReader(path: string, columns: Record<string, string> | 'all_varchar'): string {
  const types = columns === 'all_varchar' ? 'all_varchar = true' : `columns = ${columnsSpec(columns)}`;
  return `read_csv(${sqlString(path)}, header = true, quote = '"', escape = '"', nullstr = '', ${types})`;
}
