/**
 * What every parser returns: the good records, and one problem per bad line or field. A parser never throws
 * on bad input and never drops good records because of a bad neighbour.
 */
export interface Problem {
  file: string;
  /** 1-based line for line-oriented input; null for JSON documents. */
  line: number | null;
  /** JSON path or column name of the bad field, when one field is to blame. */
  field: string | null;
  message: string;
}

export interface ParseResult<T> {
  records: T[];
  problems: Problem[];
}

export function formatProblem(p: Problem): string {
  return `${p.file}${p.line !== null ? `:${p.line}` : ''}${p.field ? ` (${p.field})` : ''}: ${p.message}`;
}
