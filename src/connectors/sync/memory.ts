import type { Db } from '../../store/db.js';

/** A number a connector remembers about one item between runs (a document's size in words, never its text). */
export interface Remembered {
  key: string;
  value: number;
}

/** One key per source and item in the store's meta table: `memo:<source>:<item>`. */
export function memoKey(source: string, key: string): string {
  return `memo:${source}:${key}`;
}

/**
 * What a source remembered of items at its earlier runs: the values stored under their keys, the unknown ones
 * left out (a value that is no number reads as unknown, never as 0).
 */
export async function recall(db: Db, source: string, keys: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const key of keys) {
    const raw = await db.getMeta(memoKey(source, key));
    const n = raw === null ? Number.NaN : Number(raw);
    if (Number.isFinite(n)) out.set(key, n);
  }
  return out;
}

/** Keeps a page's remembered values: stored after its records and before the cursor moves past it. */
export async function remember(db: Db, source: string, values: readonly Remembered[]): Promise<void> {
  for (const v of values) await db.setMeta(memoKey(source, v.key), String(v.value));
}
