import type { z } from 'zod';
import type { ParseResult, Problem } from '../domain/parse-result.js';

/** `issues[3].fields.created` from a base path and a zod issue path (numbers become `[n]`). */
export function jsonPath(base: string, path: readonly PropertyKey[]): string {
  let out = base;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** The first issue of a failed validation as a problem's field and message. */
export function describeIssue(error: z.ZodError, base = ''): { field: string; message: string } {
  const issue = error.issues[0];
  return { field: jsonPath(base, issue?.path ?? []), message: issue?.message ?? 'unexpected shape' };
}

/**
 * Validates each item of a JSON array (API pages) on its own: a bad item becomes one problem naming its
 * field path (`issues[3].fields.created`), and the good items around it are kept. `toRecord` may return
 * null to skip an item that is valid but not wanted (an unmerged PR, an open ticket).
 */
export function parseEachItem<S extends z.ZodType, T>(
  items: readonly unknown[],
  schema: S,
  at: { file: string; path: string },
  toRecord: (item: z.infer<S>, index: number) => T | null,
): ParseResult<T> {
  const records: T[] = [];
  const problems: Problem[] = [];
  items.forEach((raw, i) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      problems.push({ file: at.file, line: null, ...describeIssue(parsed.error, `${at.path}[${i}]`) });
      return;
    }
    const record = toRecord(parsed.data, i);
    if (record !== null) records.push(record);
  });
  return { records, problems };
}

/** The one problem of a document that is not the page the parser expects. */
export function notAPage<T>(file: string, field: string | null, message: string): ParseResult<T> {
  return { records: [], problems: [{ file, line: null, field, message, wholePage: true }] };
}
