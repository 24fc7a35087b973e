import type { z } from 'zod';
import type { ParseResult, Problem } from '../domain/parse-result.js';

/**
 * Validates each item of a JSON array (API pages) on its own: a bad item becomes one problem naming its
 * field path (`issues[3].fields.created`), and the good items around it are kept. `toRecord` may return
 * null to skip an item that is valid but not wanted (an unmerged PR, an open ticket).
 */
export function parseEachItem<S extends z.ZodTypeAny, T>(
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
      const issue = parsed.error.issues[0];
      const field = [`${at.path}[${i}]`, ...(issue?.path.map(String) ?? [])].join('.');
      problems.push({ file: at.file, line: null, field, message: issue?.message ?? 'unexpected shape' });
      return;
    }
    const record = toRecord(parsed.data, i);
    if (record !== null) records.push(record);
  });
  return { records, problems };
}

/** The one problem of a document that is not the page the parser expects. */
export function notAPage<T>(file: string, field: string, message: string): ParseResult<T> {
  return { records: [], problems: [{ file, line: null, field, message }] };
}
