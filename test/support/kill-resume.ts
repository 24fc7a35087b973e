import type { Db } from '../../src/store/db.js';
import type { Connector } from '../../src/connectors/sync/connector.js';
import { readCursor, cursorKey, type SyncCursor } from '../../src/connectors/sync/cursor.js';
import { runSync, type SyncSummary } from '../../src/connectors/sync/runner.js';
import { memoryDb, storedOutcomes } from './apis.js';

type Rows = Awaited<ReturnType<typeof storedOutcomes>>;

export interface KillResume {
  /** Outcomes (or what `read` returns) of an uninterrupted sync into a fresh store. */
  expected: Rows;
  /** What the killed run had stored, and its cursor. */
  partial: Rows;
  cursorAfterKill: SyncCursor;
  killError: unknown;
  resumed: SyncSummary;
  /** Outcomes after the resumed run completed. */
  after: Rows;
  /** The stored meta values of the interrupted store, as text (for secret checks). */
  metaText: string;
  db: Db;
}

/**
 * Syncs once without interruption, then again into a second store, killed (aborted) right after page
 * `killAfter` was stored, then resumed: the caller asserts the two stores hold the same records.
 */
export async function killAndResume(
  make: () => Connector,
  killAfter: number,
  read: (db: Db) => Promise<Rows> = storedOutcomes,
): Promise<KillResume> {
  const full = await memoryDb();
  await runSync(full, make());
  const expected = await read(full);
  await full.close();

  const db = await memoryDb();
  const controller = new AbortController();
  let killError: unknown = null;
  const connector = make();
  try {
    await runSync(db, connector, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.pages === killAfter) controller.abort(new Error('killed'));
      },
    });
  } catch (e) {
    killError = e;
  }
  const partial = await read(db);
  const cursorAfterKill = await readCursor(db, connector.name);
  const resumed = await runSync(db, make());
  const after = await read(db);
  const meta = await db.query('SELECT key, value FROM meta WHERE key = $k', { k: cursorKey(connector.name) });
  return {
    expected,
    partial,
    cursorAfterKill,
    killError,
    resumed,
    after,
    metaText: JSON.stringify(meta),
    db,
  };
}
