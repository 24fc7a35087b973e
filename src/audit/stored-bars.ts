import { sqlIdent } from '../store/sql-text.js';
import type { Db } from '../store/db.js';
import type { QualityBar } from './bar.js';
import type { StoredBar } from './bar-versions.js';
import { validateBar } from './bar-validate.js';

/** Bars written through the API (migration 11); mileage.yaml's are read from the file, never copied here. */
const TABLE = sqlIdent('quality_bars');

/**
 * The API-written bars, oldest version first; of one workflow when given. A row that no longer passes the
 * validator (a bar kind removed by an upgrade) is refused loudly rather than scored against half a bar.
 */
export async function listStoredBars(db: Db, workflow: string | null = null): Promise<StoredBar[]> {
  const rows = await db.query(
    `SELECT workflow, version, content_sha256, bar_json, CAST(written_at AS VARCHAR) AS written_at
     FROM ${TABLE} WHERE ($workflow IS NULL OR workflow = $workflow) ORDER BY workflow, version`,
    { workflow },
  );
  return rows.map((r) => {
    const checked = validateBar(JSON.parse(String(r.bar_json)));
    if (!checked.ok)
      throw new Error(
        `stored quality bar ${String(r.workflow)} v${String(r.version)} is no longer valid: ${checked.error.field}: ${checked.error.message}`,
      );
    return { bar: checked.value, contentSha256: String(r.content_sha256), writtenAt: String(r.written_at) };
  });
}

/** Records one version (the caller decided the version: bar-versions.ts `versionFor`). */
export async function saveStoredBar(
  db: Db,
  bar: QualityBar,
  contentSha256: string,
  writtenAt: string,
): Promise<void> {
  await db.query(
    `INSERT INTO ${TABLE} (workflow, version, content_sha256, bar_json, written_at)
     VALUES ($workflow, $version, $sha, $json, CAST($at AS TIMESTAMPTZ))`,
    {
      workflow: bar.workflow,
      version: bar.version,
      sha: contentSha256,
      json: JSON.stringify(bar),
      at: writtenAt,
    },
  );
}
