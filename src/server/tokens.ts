import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { versionedRows, type Db } from '../store/db.js';
import { dialectFor } from '../store/sql/dialect.js';
import { API_TOKENS_TABLE } from '../store/tables/admin-tables.js';

/** What a token may do: admin everything; manager reads their teams; viewer reads; ingest only writes. */
export const ROLES = ['admin', 'manager', 'viewer', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, once their token is known. `teams` scopes a manager (null: not scoped). */
export interface Principal {
  tokenId: string;
  name: string | null;
  role: Role;
  teams: string[] | null;
}

export interface TokenInfo extends Principal {
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const PREFIX = 'mlg_';

/**
 * A fresh token: 32 random bytes, URL-safe, with a prefix that makes a leaked one easy to grep for (the
 * gateway's virtual keys use their own prefix, so a key and an API token are never mistaken).
 */
export function newToken(prefix: string = PREFIX): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Only this is stored. A token has 256 bits of entropy, so a plain SHA-256 cannot be reversed by guessing. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates a token and returns it with its id: the only time the token itself is seen. */
export async function createToken(
  db: Db,
  spec: { role: Role; teams: string[] | null; name: string | null },
): Promise<{ token: string; id: string }> {
  const token = newToken();
  const id = randomUUID().slice(0, 8);
  const teams = spec.teams && spec.teams.length ? spec.teams : null;
  const versioned = versionedRows(db);
  if (versioned) {
    // A store without UPDATE (ClickHouse): the row is the first version of its id (tables/admin-tables.ts).
    await versioned.putRows(API_TOKENS_TABLE, [
      {
        id,
        name: spec.name,
        role: spec.role,
        teams: teams ?? [],
        token_hash: hashToken(token),
        created_at: new Date().toISOString(),
        revoked_at: null,
        last_used_at: null,
      },
    ]);
    return { token, id };
  }
  await db.query(
    `INSERT INTO api_tokens (id, name, role, teams, token_hash, created_at)
     VALUES ($id, $name, $role, ${teams ? 'CAST($teams AS VARCHAR[])' : 'NULL'}, $hash, now())`,
    { id, name: spec.name, role: spec.role, hash: hashToken(token), teams: JSON.stringify(teams) },
  );
  return { token, id };
}

export async function listTokens(db: Db): Promise<TokenInfo[]> {
  const sql = dialectFor(db.dialect);
  const rows = await db.query(
    `SELECT id, name, role, ${sql.listJson('teams')} AS teams, ${sql.text('created_at')} AS created_at,
       ${sql.text('revoked_at')} AS revoked_at, ${sql.text('last_used_at')} AS last_used_at
     FROM api_tokens ORDER BY api_tokens.created_at, id`,
  );
  return rows.map((r) => ({
    tokenId: String(r.id),
    name: r.name === null ? null : String(r.name),
    role: String(r.role) as Role,
    teams: r.teams === null ? null : (JSON.parse(String(r.teams)) as string[] | null),
    createdAt: String(r.created_at),
    revokedAt: r.revoked_at === null ? null : String(r.revoked_at),
    lastUsedAt: r.last_used_at === null ? null : String(r.last_used_at),
  }));
}

/** Revokes by id; false when no live token has that id. */
export async function revokeToken(db: Db, id: string): Promise<boolean> {
  const versioned = versionedRows(db);
  if (versioned) {
    const where = `id = ${dialectFor(db.dialect).param('id', 'String')} AND revoked_at IS NULL`;
    return (
      (await versioned.reviseRows(
        API_TOKENS_TABLE,
        where,
        { id },
        { revoked_at: new Date().toISOString() },
      )) > 0
    );
  }
  const rows = await db.query(
    'UPDATE api_tokens SET revoked_at = now() WHERE id = $id AND revoked_at IS NULL RETURNING id',
    { id },
  );
  return rows.length > 0;
}

/** The live token with this hash, or null. */
export async function findToken(db: Db, token: string): Promise<Principal | null> {
  const sql = dialectFor(db.dialect);
  const [row] = await db.query(
    `SELECT id, name, role, ${sql.listJson('teams')} AS teams FROM api_tokens
     WHERE token_hash = ${sql.param('hash', 'String')} AND revoked_at IS NULL`,
    { hash: hashToken(token) },
  );
  if (!row) return null;
  return {
    tokenId: String(row.id),
    name: row.name === null ? null : String(row.name),
    role: String(row.role) as Role,
    teams: row.teams === null ? null : (JSON.parse(String(row.teams)) as string[] | null),
  };
}
