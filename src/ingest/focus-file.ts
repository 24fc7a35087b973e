import type { Db, FocusFileLoad } from '../store/db.js';
import type { IngestSummary } from './summary.js';

/** A FOCUS file, bulk-loaded by the store's reader: AI rows become billed usage, bad rows problems with lines. */
export async function loadFocusFile(
  db: Db,
  load: FocusFileLoad,
): Promise<{ summary: IngestSummary; skipped: number }> {
  const result = await db.loadFocusFile(load);
  return {
    summary: {
      source: 'focus',
      files: 1,
      records: result.written + result.rejected.length,
      written: result.written,
      alreadyStored: result.alreadyStored,
      problems: result.rejected.map((r) => ({
        file: load.path,
        line: r.line,
        field: r.field,
        message: r.message,
      })),
    },
    skipped: result.skipped,
  };
}
