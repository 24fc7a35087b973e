import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseAvailable, startClickHouse, type TestClickHouse } from '../support/clickhouse.js';
import { createKey, listKeys, liveKeys, revokeKey } from '../../src/gateway/keys.js';
import type { KeySpec } from '../../src/gateway/key-spec.js';
import { createToken, findToken, listTokens, revokeToken } from '../../src/server/tokens.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { ADMIN_TABLES } from '../../src/store/tables/admin-tables.js';
import { DUCKDB_TYPES } from '../../src/store/tables/columns.js';

/**
 * Issue 23: `serve`'s API tokens and the gateway's virtual keys over ClickHouse (tables/admin-tables.ts), so
 * `--otlp-token-required`, the ingest API and `mileage gateway --store clickhouse://…` work there. The same calls
 * run on the embedded store and on a real ClickHouse server and must give the same answers; a revocation made
 * through one connection is seen by another (two `serve` processes over one database).
 */
const KEY: KeySpec = {
  team: 'platform',
  person: 'ana',
  workflow: 'triage',
  workloadType: 'agent',
  models: ['claude-sonnet-4-6'],
  expiresAt: '2027-01-31T00:00:00.000Z',
  sandbox: true,
  budgetUsd: '250.00',
  alertAt: [50, 90],
  capUsd: '300',
};

describe.skipIf(!clickhouseAvailable())('API tokens and gateway keys on both engines', () => {
  let server: TestClickHouse;
  let duck: Db;
  let ch: Db;
  let other: Db;

  beforeAll(async () => {
    server = await startClickHouse();
    const url = `clickhouse://default@127.0.0.1:${server.httpPort}/admin`;
    duck = await openStore(':memory:');
    ch = await openStore(url);
    other = await openStore(url);
  });
  afterAll(async () => {
    await Promise.all([duck?.close(), ch?.close(), other?.close()]);
    await server?.stop();
  });

  /** What one engine answers to the same token calls, ids and times left out. */
  async function tokenStory(db: Db, peer: Db) {
    const ingest = await createToken(db, { role: 'ingest', teams: null, name: 'otlp exporters' });
    const manager = await createToken(db, { role: 'manager', teams: ['platform', 'data'], name: null });
    const found = [await findToken(peer, ingest.token), await findToken(peer, manager.token)];
    const unknown = await findToken(peer, 'mlg_not-a-token');
    const revoked = [await revokeToken(peer, ingest.id), await revokeToken(db, ingest.id)];
    const afterRevoke = await findToken(db, ingest.token);
    const listed = (await listTokens(db)).map((t) => ({
      name: t.name,
      role: t.role,
      teams: t.teams,
      revoked: t.revokedAt !== null,
      created: /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(t.createdAt),
    }));
    return {
      found: found.map((p) => p && { ...p, tokenId: typeof p.tokenId }),
      unknown,
      revoked,
      afterRevoke,
      listed,
    };
  }

  it('makes, finds, lists and revokes API tokens as the embedded store does, across connections', async () => {
    const expected = {
      found: [
        { tokenId: 'string', name: 'otlp exporters', role: 'ingest', teams: null },
        { tokenId: 'string', name: null, role: 'manager', teams: ['platform', 'data'] },
      ],
      unknown: null,
      // Revoked once: the second revocation finds no live token.
      revoked: [true, false],
      afterRevoke: null,
      listed: [
        { name: 'otlp exporters', role: 'ingest', teams: null, revoked: true, created: true },
        { name: null, role: 'manager', teams: ['platform', 'data'], revoked: false, created: true },
      ],
    };
    expect(await tokenStory(duck, duck)).toEqual(expected);
    // On ClickHouse the revocation goes through another connection, as another server would make it.
    expect(await tokenStory(ch, other)).toEqual(expected);
  });

  it('makes, lists and revokes gateway keys as the embedded store does', async () => {
    const story = async (db: Db, peer: Db) => {
      const a = await createKey(db, KEY);
      const b = await createKey(db, { ...KEY, person: null, models: null, alertAt: null, sandbox: false });
      const live = await liveKeys(peer);
      const revoked = [await revokeKey(peer, a.id), await revokeKey(db, a.id)];
      const keys = await listKeys(db);
      return {
        live: live.map(({ id, hash, ...spec }) => ({
          id: id === a.id ? 'a' : id === b.id ? 'b' : id,
          hashed: hash.length === 64,
          ...spec,
        })),
        revoked,
        listed: keys.map((k) => ({
          id: k.id === a.id ? 'a' : 'b',
          revoked: k.revokedAt !== null && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(k.revokedAt),
          created: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(k.createdAt),
        })),
        liveAfter: (await liveKeys(db)).map((k) => (k.id === b.id ? 'b' : k.id)),
      };
    };
    const onDuck = await story(duck, duck);
    expect(onDuck.live.find((k) => k.id === 'a')).toEqual({ id: 'a', hashed: true, ...KEY });
    expect(onDuck.revoked).toEqual([true, false]);
    expect(onDuck.liveAfter).toEqual(['b']);
    const sortById = (x: typeof onDuck) => ({
      ...x,
      live: [...x.live].sort((p, q) => p.id.localeCompare(q.id)),
      listed: [...x.listed].sort((p, q) => p.id.localeCompare(q.id)),
    });
    expect(sortById(await story(ch, other))).toEqual(sortById(onDuck));
  });

  it('defines the tables as the embedded store makes them: the same columns, types and NOT NULLs', async () => {
    await listKeys(duck); // the embedded store makes gateway_keys when first used
    for (const table of ADMIN_TABLES) {
      const rows = await duck.query(
        `SELECT column_name AS name, data_type AS type, is_nullable AS nullable FROM duckdb_columns()
         WHERE table_name = $t AND schema_name = 'main' ORDER BY column_index`,
        { t: table.name },
      );
      const reported = (type: string) => (type === 'TIMESTAMPTZ' ? 'TIMESTAMP WITH TIME ZONE' : type);
      expect(rows.map((r) => `${String(r.name)} ${String(r.type)}${r.nullable ? '' : ' NOT NULL'}`)).toEqual(
        table.columns.map(
          (c) => `${c.name} ${reported(DUCKDB_TYPES[c.type])}${c.required ? ' NOT NULL' : ''}`,
        ),
      );
    }
  });
});
