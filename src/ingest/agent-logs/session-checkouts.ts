import type { Db } from '../../store/db.js';
import { sqlString } from '../../store/sql-text.js';
import { AGENT_TOOLS } from './locations.js';
import { checkoutRoot } from './repos.js';

/**
 * The git checkouts the stored agent sessions worked in that still exist on this machine, each once (many
 * working directories share a checkout), sorted: what `scan` reads merged work from.
 */
export async function sessionCheckouts(db: Db): Promise<string[]> {
  const sources = AGENT_TOOLS.map((t) => sqlString(t.source)).join(', ');
  const rows = await db.query(
    `SELECT DISTINCT cwd FROM usage WHERE cwd IS NOT NULL AND source IN (${sources})`,
  );
  const roots = new Set<string>();
  for (const row of rows) {
    const root = checkoutRoot(String(row.cwd));
    if (root !== null) roots.add(root);
  }
  return [...roots].sort();
}
