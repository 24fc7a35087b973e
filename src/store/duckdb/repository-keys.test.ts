import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db.js';
import { openStore } from '../open.js';
import { rekeyRepositories } from './repository-keys.js';

/** A store written before the repository key: each source's own spelling of the same repository. */
let db: Db;
beforeAll(async () => {
  db = await openStore(':memory:');
  const outcome = (id: string, source: string, repo: string) =>
    `INSERT INTO outcomes (id, source, kind, occurred_at, day, repo, ai_assisted, rework, category, count)
     VALUES ('${id}', '${source}', 'pr_merged', TIMESTAMPTZ '2026-01-05 10:00:00+00', DATE '2026-01-05', '${repo}', false, false, 'unknown', 1)`;
  await db.query(outcome('g1', 'github', 'Acme/Billing'));
  await db.query(outcome('l1', 'gitlab', 'group/sub/proj'));
  await db.query(outcome('k1', 'git', 'github.com/Acme/Billing'));
  await db.query(outcome('k2', 'git', 'github.com/acme/api'));
  await db.query(outcome('k3', 'git', '/home/ana/src/Local'));
  // A usage file's bare owner/name, stored as written by versions before REPOSITORY_KEYS_VERSION 2.
  await db.query(
    `INSERT INTO usage (id, source, granularity, start_at, end_at, day, input_tokens, cache_read_tokens,
       cache_write_tokens, output_tokens, reasoning_tokens, requests, cost_basis, repo)
     VALUES ('u1', 'csv', 'request', TIMESTAMPTZ '2026-01-05 10:00:00+00', TIMESTAMPTZ '2026-01-05 10:00:00+00',
       DATE '2026-01-05', 1, 0, 0, 1, 0, 1, 'provider_reported', 'Acme/Billing')`,
  );
  await db.query(
    "INSERT INTO cwd_repos VALUES ('/w/a', 'git@github.com:acme/billing.git'), ('/w/b', '/srv/Repo/')",
  );
  await db.query(
    `INSERT INTO meta VALUES ('git_cursor:github.com/Acme/Billing', '{}'), ('git_cursor:github.com/acme/api', '{}')`,
  );
  await db.query("DELETE FROM meta WHERE key = 'repository_keys'");
});
afterAll(() => db.close());

describe('re-keying the repositories of an older store', () => {
  it('names every repository by its key, once', async () => {
    expect(
      await rekeyRepositories({
        run: (s) => db.query(s).then(() => undefined),
        query: (s, p) => db.query(s, p),
      }),
    ).toBe(true);
    const outcomes = await db.query('SELECT id, repo FROM outcomes ORDER BY id');
    expect(outcomes).toEqual([
      { id: 'g1', repo: 'github.com/acme/billing' },
      // git units named with the old case are read again by the next `ingest git` (their ids used the old name)
      { id: 'k2', repo: 'github.com/acme/api' },
      { id: 'k3', repo: '/home/ana/src/Local' },
      { id: 'l1', repo: 'gitlab.com/group/sub/proj' },
    ]);
    expect(await db.query('SELECT cwd, repo FROM cwd_repos ORDER BY cwd')).toEqual([
      { cwd: '/w/a', repo: 'github.com/acme/billing' },
      { cwd: '/w/b', repo: '/srv/Repo' },
    ]);
    expect(await db.query('SELECT repo FROM usage')).toEqual([{ repo: 'github.com/acme/billing' }]);
    const cursors = await db.query("SELECT key FROM meta WHERE key LIKE 'git_cursor:%' ORDER BY key");
    expect(cursors.map((c) => c.key)).toEqual(['git_cursor:github.com/acme/api']);
    expect(
      await rekeyRepositories({
        run: (s) => db.query(s).then(() => undefined),
        query: (s, p) => db.query(s, p),
      }),
    ).toBe(false);
  });
});
