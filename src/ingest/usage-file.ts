import type { Db, UsageFileLoad } from '../store/db.js';
import type { IngestSummary } from './summary.js';

/** A generic usage file, bulk-loaded by the store's own reader; rejected rows become problems with lines. */
export async function loadUsageFile(db: Db, load: UsageFileLoad): Promise<IngestSummary> {
  const result = await db.loadUsageFile(load);
  const mapped = new Map(
    Object.entries(load.columns ?? {}).map(([field, column]) => [field, `${column} (${field})`]),
  );
  return {
    source: load.source,
    files: 1,
    records: result.written + result.rejected.length,
    written: result.written,
    alreadyStored: result.alreadyStored,
    problems: result.rejected.map((r) => ({
      file: load.name ?? load.path,
      line: r.line,
      // Name the column as the file names it: the mapped column when the field was mapped.
      field: r.field === null ? null : (mapped.get(r.field) ?? r.field),
      message: r.message,
    })),
  };
}
