import { z } from 'zod';
import type { Db } from '../../store/db.js';

/**
 * A source's sync state in the store's meta table, one key per source. It never holds a secret: only
 * instants and the connector's page position.
 */
export const cursorSchema = z.object({
  version: z.literal(1),
  /** The newest updated-at seen by the last completed run: the next run starts an overlap before it. */
  watermark: z.string().nullable(),
  /** A run that has stored some pages but not finished: resuming continues it from `next`. */
  run: z
    .object({
      /** The window's start for this run (kept so a resumed run lists the same window). */
      since: z.string().nullable(),
      /** Position of the first page not yet stored. */
      next: z.string().nullable(),
      /** Newest updated-at among the pages stored so far. */
      high: z.string().nullable(),
      /** Pages stored so far in this run. */
      pages: z.number().int().nonnegative(),
    })
    .nullable(),
});

export type SyncCursor = z.infer<typeof cursorSchema>;

export const EMPTY_CURSOR: SyncCursor = { version: 1, watermark: null, run: null };

export function cursorKey(source: string): string {
  return `sync:${source}`;
}

/** The stored cursor; a missing or unreadable one starts afresh (ids make re-reading safe). */
export async function readCursor(db: Db, source: string): Promise<SyncCursor> {
  const raw = await db.getMeta(cursorKey(source));
  if (raw === null) return EMPTY_CURSOR;
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : EMPTY_CURSOR;
  } catch {
    return EMPTY_CURSOR;
  }
}

export async function writeCursor(db: Db, source: string, cursor: SyncCursor): Promise<void> {
  await db.setMeta(cursorKey(source), JSON.stringify(cursor));
}
