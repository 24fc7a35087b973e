import { randomUUID } from 'node:crypto';
import { hashToken, newToken } from '../server/tokens.js';
import { versionedRows, type Db } from '../store/db.js';
import { dialectFor, type SqlDialect } from '../store/sql/dialect.js';
import { GATEWAY_KEYS_TABLE } from '../store/tables/admin-tables.js';
import type { KeyEntry, KeyInfo, KeySpec } from './key-spec.js';

/** Virtual keys read like provider keys in a client's settings, and are easy to grep for when leaked. */
export const KEY_PREFIX = 'sk-mlg-';

/**
 * The key table, made when first used rather than by a numbered migration: it is the gateway's own, read
 * and written only here, and `IF NOT EXISTS` keeps it independent of the store's migration order. Keys are
 * stored as API tokens are (server/tokens.ts): only the SHA-256 of 32 random bytes.
 */
const TABLE = `CREATE TABLE IF NOT EXISTS gateway_keys (
  id VARCHAR PRIMARY KEY,
  key_hash VARCHAR NOT NULL UNIQUE,
  team VARCHAR NOT NULL,
  person VARCHAR,
  workflow VARCHAR,
  workload_type VARCHAR,
  models VARCHAR,
  expires_at TIMESTAMPTZ,
  sandbox BOOLEAN NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  revoked_at TIMESTAMPTZ
)`;
/** Columns added after the table's first form, so a table made by an earlier version gains them. */
const ADDED = [
  'ALTER TABLE gateway_keys ADD COLUMN IF NOT EXISTS budget_usd VARCHAR',
  'ALTER TABLE gateway_keys ADD COLUMN IF NOT EXISTS alert_at VARCHAR',
  'ALTER TABLE gateway_keys ADD COLUMN IF NOT EXISTS cap_usd VARCHAR',
];

const ready = new WeakSet<Db>();
async function table(db: Db): Promise<void> {
  // A ClickHouse store makes its keyed tables when it opens (tables/admin-tables.ts).
  if (ready.has(db) || versionedRows(db)) return;
  await db.query(TABLE);
  for (const sql of ADDED) await db.query(sql);
  ready.add(db);
}

/** Makes a key and returns it with its id: the only time the key itself is seen. */
export async function createKey(db: Db, spec: KeySpec): Promise<{ key: string; id: string }> {
  await table(db);
  const key = newToken(KEY_PREFIX);
  const id = `key_${randomUUID().slice(0, 8)}`;
  const versioned = versionedRows(db);
  if (versioned) {
    // A store without UPDATE (ClickHouse): the row is the first version of its id.
    await versioned.putRows(GATEWAY_KEYS_TABLE, [
      {
        id,
        key_hash: hashToken(key),
        team: spec.team,
        person: spec.person,
        workflow: spec.workflow,
        workload_type: spec.workloadType,
        models: spec.models ? JSON.stringify(spec.models) : null,
        expires_at: spec.expiresAt,
        sandbox: spec.sandbox,
        created_at: new Date().toISOString(),
        revoked_at: null,
        budget_usd: spec.budgetUsd,
        alert_at: spec.alertAt ? JSON.stringify(spec.alertAt) : null,
        cap_usd: spec.capUsd,
      },
    ]);
    return { key, id };
  }
  await db.query(
    `INSERT INTO gateway_keys (id, key_hash, team, person, workflow, workload_type, models, expires_at,
       sandbox, budget_usd, alert_at, cap_usd, created_at)
     VALUES ($id, $hash, $team, $person, $workflow, $workloadType, $models, CAST($expiresAt AS TIMESTAMPTZ),
       $sandbox, $budgetUsd, $alertAt, $capUsd, now())`,
    {
      id,
      hash: hashToken(key),
      team: spec.team,
      person: spec.person,
      workflow: spec.workflow,
      workloadType: spec.workloadType,
      models: spec.models ? JSON.stringify(spec.models) : null,
      expiresAt: spec.expiresAt,
      sandbox: spec.sandbox,
      budgetUsd: spec.budgetUsd,
      alertAt: spec.alertAt ? JSON.stringify(spec.alertAt) : null,
      capUsd: spec.capUsd,
    },
  );
  return { key, id };
}

const columns = (sql: SqlDialect) => `id, key_hash, team, person, workflow, workload_type, models, sandbox,
  budget_usd, alert_at, cap_usd, ${sql.isoInstant('expires_at')} AS expires_at,
  ${sql.isoInstant('created_at')} AS created_at, ${sql.isoInstant('revoked_at')} AS revoked_at`;

type Row = Record<string, unknown>;
const textOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function specOf(r: Row): KeySpec {
  return {
    team: String(r.team),
    person: textOrNull(r.person),
    workflow: textOrNull(r.workflow),
    workloadType: textOrNull(r.workload_type),
    models: typeof r.models === 'string' ? (JSON.parse(r.models) as string[]) : null,
    expiresAt: textOrNull(r.expires_at),
    sandbox: r.sandbox === true,
    budgetUsd: textOrNull(r.budget_usd),
    alertAt: typeof r.alert_at === 'string' ? (JSON.parse(r.alert_at) as number[]) : null,
    capUsd: textOrNull(r.cap_usd),
  };
}

export async function listKeys(db: Db): Promise<KeyInfo[]> {
  await table(db);
  const rows = await db.query(
    `SELECT ${columns(dialectFor(db.dialect))} FROM gateway_keys ORDER BY gateway_keys.created_at, id`,
  );
  return rows.map((r) => ({
    id: String(r.id),
    ...specOf(r),
    createdAt: String(r.created_at),
    revokedAt: textOrNull(r.revoked_at),
  }));
}

/** Revokes by id; false when no live key has that id. */
export async function revokeKey(db: Db, id: string): Promise<boolean> {
  await table(db);
  const versioned = versionedRows(db);
  if (versioned) {
    const where = `id = ${dialectFor(db.dialect).param('id', 'String')} AND revoked_at IS NULL`;
    const revokedAt = new Date().toISOString();
    return (await versioned.reviseRows(GATEWAY_KEYS_TABLE, where, { id }, { revoked_at: revokedAt })) > 0;
  }
  const rows = await db.query(
    'UPDATE gateway_keys SET revoked_at = now() WHERE id = $id AND revoked_at IS NULL RETURNING id',
    { id },
  );
  return rows.length > 0;
}

/** Every live key (not revoked) with its hash: what a gateway loads to check keys without the store. */
export async function liveKeys(db: Db): Promise<KeyEntry[]> {
  await table(db);
  const rows = await db.query(
    `SELECT ${columns(dialectFor(db.dialect))} FROM gateway_keys WHERE gateway_keys.revoked_at IS NULL ORDER BY id`,
  );
  return rows.map((r) => ({ id: String(r.id), hash: String(r.key_hash), ...specOf(r) }));
}
