import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestPath } from '../../src/ingest/manifest.js';
import { openStore } from '../../src/store/open.js';
import { ANA, lines, ScriptedRepo } from '../git-repo.js';
import { mileage } from './cli.js';

/**
 * A no-op `ingest git` re-run is answered from the manifest beside the store (git-manifest.ts) without
 * opening it. The shortcut must never lie: its answer equals the full path's, and anything that could make
 * the full path do work — a new commit, another writer to the store, an org file declaring the repository
 * trunk-based — takes the full path. (Its speed is measured in bench/git-noop.ts, never asserted here.)
 */
const repo = new ScriptedRepo('mileage-e2e-git-noop-');
const db = join(repo.dir, '.mileage', 'noop.duckdb');

interface Summary {
  records: number;
  changed: number;
  repositories: { walk: string; units: number; prs: number; directPushes: number }[];
}

async function ingest(extra: string[] = []): Promise<Summary> {
  const r = await mileage(['ingest', 'git', repo.dir, '--db', db, '--json', ...extra], { cwd: repo.dir });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Summary;
}

beforeAll(async () => {
  repo.write('src/a.ts', lines('a', 10));
  repo.commit('feat: a (#1)', 0);
  repo.write('src/b.ts', lines('b', 10));
  repo.commit('chore: straight to main', 1, { author: ANA });
  const first = await ingest();
  expect(first.repositories[0]).toMatchObject({ walk: 'full', units: 2, prs: 1, directPushes: 1 });
}, 60_000);
afterAll(() => repo.cleanup());

describe('a no-op ingest git re-run', () => {
  it('answers from the manifest exactly as the full path does', async () => {
    expect(existsSync(manifestPath(db))).toBe(true);
    const before = statSync(db).mtimeMs;
    const quick = await mileage(['ingest', 'git', repo.dir, '--db', db, '--json'], { cwd: repo.dir });
    const quickText = await mileage(['ingest', 'git', repo.dir, '--db', db], { cwd: repo.dir });
    // The store was not even opened (opening and closing it rewrites its header).
    expect(statSync(db).mtimeMs).toBe(before);
    rmSync(manifestPath(db));
    const full = await mileage(['ingest', 'git', repo.dir, '--db', db, '--json'], { cwd: repo.dir });
    rmSync(manifestPath(db));
    const fullText = await mileage(['ingest', 'git', repo.dir, '--db', db], { cwd: repo.dir });
    expect(JSON.parse(quick.stdout)).toEqual(JSON.parse(full.stdout));
    expect(quickText.stdout).toBe(fullText.stdout);
    expect(quickText.stdout).toContain('up-to-date');
    // The full run wrote the manifest again.
    expect(existsSync(manifestPath(db))).toBe(true);
  });

  it('reads a new commit', async () => {
    repo.write('src/c.ts', lines('c', 10));
    repo.commit('feat: c (#2)', 2);
    const r = await ingest();
    expect(r.repositories[0]).toMatchObject({ walk: 'incremental', units: 1, prs: 1 });
  });

  it('takes the full path when another writer changed the store since', async () => {
    expect((await ingest()).repositories[0]?.walk).toBe('up-to-date');
    const store = await openStore(db);
    try {
      await store.query("DELETE FROM meta WHERE key LIKE 'git_cursor:%'");
    } finally {
      await store.close();
    }
    // Without its cursor the repository is read whole again: the manifest's "up to date" no longer holds.
    expect((await ingest()).repositories[0]).toMatchObject({ walk: 'full', units: 3 });
  });

  it('takes the full path when the org file changes what stored units count as', async () => {
    expect((await ingest()).repositories[0]?.walk).toBe('up-to-date');
    writeFileSync(
      join(repo.dir, 'mileage.yaml'),
      `org: acme\ndelivery:\n  trunk_based: [${JSON.stringify(repo.dir)}]\n`,
    );
    const r = await ingest();
    expect(r.changed).toBe(1);
    expect(r.repositories[0]).toMatchObject({ walk: 'up-to-date' });
  });

  it('goes the full way for anything it does not recognise, and for a value the command rejects', async () => {
    const bad = await mileage(['ingest', 'git', repo.dir, '--db', db, '--rework-window', 'soon'], {
      cwd: repo.dir,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--rework-window expects');
  });
});
