import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { OrgDirectory } from '../domain/directory.js';
import type { Db } from '../store/db.js';

/**
 * The org file whose settings are in force, as `storedOrg` decides them (context.ts): the one read, else the
 * demo's when the store was loaded from the demo (`mileage start` on an empty store writes it under
 * `.mileage/demo-<seed>/`). The audit reads its quality bars from it, so the demo's bar is the one shown and
 * scored against without a mileage.yaml in the working directory. Null: none.
 */
export async function orgFileInForce(db: Db, directory: OrgDirectory | null): Promise<string | null> {
  if (directory) return directory.file ?? null;
  const demo = await db.getMeta('demo');
  if (!demo) return null;
  try {
    const dir = (JSON.parse(demo) as { dir?: unknown }).dir;
    const file = typeof dir === 'string' ? join(dir, 'mileage.yaml') : null;
    return file && existsSync(file) ? file : null;
  } catch {
    return null; // a meta value written by another version: no demo file to read
  }
}
