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
  /**
   * The whole document is not the page the parser expects (sources/each-item.ts notAPage). Read from a
   * file, that is one problem; answered by an API during a sync, the sync fails naming the request rather
   * than carrying on as if the page were empty (connectors/sync/runner.ts).
   */
  wholePage?: true;
}

export interface ParseResult<T> {
  records: T[];
  problems: Problem[];
}

export function formatProblem(p: Problem): string {
  return `${p.file}${p.line !== null ? `:${p.line}` : ''}${p.field ? ` (${p.field})` : ''}: ${p.message}`;
}
