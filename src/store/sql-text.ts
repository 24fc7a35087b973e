/**
 * The one place where text becomes part of a SQL statement. Everything that reaches SQL text from outside
 * the statement's own source code — a file's column names, a mapping, a path, a source name, a key in a
 * JSON line — goes through `sqlIdent` (a name) or `sqlString` (a literal), or is bound as a parameter.
 * The lint rule `mileage/sql-text` (eslint-rules/sql-text.js) refuses hand-made quoting anywhere else.
 * Both quotings are the standard SQL ones, the same in DuckDB and PostgreSQL.
 */

/** A quoted identifier: any name, including one with quotes, semicolons or newlines, stays one name. */
export function sqlIdent(name: string): string {
  if (name.includes('\u0000')) throw new Error('a SQL identifier cannot hold a NUL character');
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A SQL string literal, for positions where a parameter cannot be bound (a file reader's path inside a
 * CREATE TABLE … AS, a constant list). Prefer a bound parameter wherever the statement allows one.
 */
export function sqlString(value: string): string {
  if (value.includes('\u0000')) throw new Error('a SQL string literal cannot hold a NUL character');
  return `'${value.replaceAll("'", "''")}'`;
}
