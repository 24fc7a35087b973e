import { sqlString } from '../sql-text.js';

/**
 * Rows DuckDB's CSV reader cannot split (an extra or missing column, invalid UTF-8, a line longer than
 * MAX_FILE_LINE_BYTES) are set aside in a rejects table instead of failing the whole file: one bad row is one
 * rejected row with its line and column, and the rest load. Without this, one such row deep in a file
 * refused all 30,000 rows (or the sniffer refused the file outright).
 */
export const MAX_FILE_LINE_BYTES = 16 * 1024 * 1024;

const REJECTS_TABLE = 'file_rejects';
const REJECTS_SCAN = 'file_reject_scans';

/** read_csv options that keep structurally bad rows out and recorded. */
export const CSV_REJECT_OPTIONS = `store_rejects = true, rejects_table = ${sqlString(REJECTS_TABLE)}, rejects_scan = ${sqlString(REJECTS_SCAN)}, max_line_size = ${MAX_FILE_LINE_BYTES}`;

/** Before a read: no rejects of an earlier file linger. */
export const CLEAR_REJECTS_SQL = [
  `DROP TABLE IF EXISTS ${REJECTS_TABLE}`,
  `DROP TABLE IF EXISTS ${REJECTS_SCAN}`,
];

/** One row per rejected line: its line in the file (1-based), the column when one is to blame, and why. */
export const REJECTED_LINES_SQL = `SELECT CAST(line AS BIGINT) AS line, min(column_name) AS field,
    CASE first(error_type ORDER BY column_idx)
      WHEN 'TOO MANY COLUMNS' THEN 'more columns than the header: '
      WHEN 'MISSING COLUMNS' THEN 'fewer columns than the header: '
      WHEN 'INVALID ENCODING' THEN 'not UTF-8 text: '
      WHEN 'LINE SIZE OVER MAXIMUM' THEN ${sqlString(`a line longer than ${MAX_FILE_LINE_BYTES / 1024 / 1024} MB: `)}
      WHEN 'UNQUOTED VALUE' THEN 'a quoted value not closed: '
      ELSE lower(first(error_type ORDER BY column_idx)) || ': ' END
    || left(first(error_message ORDER BY column_idx), 120) AS message
  FROM ${REJECTS_TABLE} GROUP BY line ORDER BY line`;

/**
 * The reader numbers the rows it keeps, so after a rejected line every row's `line` (row number + `offset`)
 * is short by the rejects before it. With the rejected lines l_1 < l_2 < … (their true lines), the j-th one
 * has l_j − offset − j kept rows before it; a kept row r is moved down by the rejects with fewer kept rows
 * before them than r.
 */
export function fixLineNumbersSql(table: string, offset: number): string {
  return `UPDATE ${table} SET line = line + (
    SELECT count(*) FROM (
      SELECT line - ${offset} - row_number() OVER (ORDER BY line) AS kept_before
      FROM (SELECT DISTINCT line FROM ${REJECTS_TABLE})
    ) r WHERE r.kept_before < ${table}.line - ${offset})
  WHERE EXISTS (SELECT 1 FROM ${REJECTS_TABLE})`;
}
