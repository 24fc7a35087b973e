import type { Db } from '../store/db.js';
import type { ExperimentEntry } from './experiment-config.js';

/** Experiments written through the API, as written (validated again when read: teams may have changed). */
export async function listStoredExperiments(db: Db): Promise<{ id: string; entry: unknown }[]> {
  const rows = await db.query('SELECT id, entry_json FROM experiments ORDER BY id');
  return rows.map((r) => ({ id: String(r.id), entry: JSON.parse(String(r.entry_json)) as unknown }));
}

/** Creates or replaces an experiment by id; returns whether it existed. */
export async function saveExperiment(db: Db, entry: ExperimentEntry, now: Date): Promise<boolean> {
  const [existing] = await db.query('SELECT created_at FROM experiments WHERE id = $id', { id: entry.id });
  await db.query('DELETE FROM experiments WHERE id = $id', { id: entry.id });
  await db.query(
    `INSERT INTO experiments (id, entry_json, created_at, updated_at)
     VALUES ($id, $entry, CAST($created AS TIMESTAMPTZ), CAST($now AS TIMESTAMPTZ))`,
    {
      id: entry.id,
      entry: JSON.stringify(entry),
      created: existing ? new Date(String(existing.created_at)).toISOString() : now.toISOString(),
      now: now.toISOString(),
    },
  );
  return existing !== undefined;
}
