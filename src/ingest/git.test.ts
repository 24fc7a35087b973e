import { afterEach, describe, expect, it } from 'vitest';
import { lines, ScriptedRepo } from '../../test/git-repo.js';
import { openStore } from '../store/open.js';
import { cursorKey, ingestGit } from './git.js';

const repos: ScriptedRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

/** A repository with `n` squash merges (#1…#n) on main, one a day. */
function repoWithMerges(n: number): ScriptedRepo {
  const r = new ScriptedRepo();
  repos.push(r);
  r.git(['remote', 'add', 'origin', 'git@github.com:Acme/Billing.git']);
  for (let i = 1; i <= n; i++) {
    r.write(`src/f${i}.ts`, lines(`f${i}`, i));
    r.commit(`feat: part ${i} (#${i})`, i);
  }
  return r;
}

async function outcomeCount(db: Awaited<ReturnType<typeof openStore>>): Promise<number> {
  const [row] = await db.query("SELECT count(*) AS n FROM outcomes WHERE source = 'git'");
  return Number(row?.n);
}

describe('ingestGit', () => {
  it('stores every merge once; a second run walks nothing; a new merge adds exactly one', async () => {
    const r = repoWithMerges(5);
    const db = await openStore(':memory:');
    const first = await ingestGit(db, [r.dir], { reworkWindowDays: 183 });
    expect(first.records).toBe(5);
    expect(first.repositories[0]).toMatchObject({ repo: 'github.com/Acme/Billing', walk: 'full', units: 5 });
    expect(await outcomeCount(db)).toBe(5);
    expect(JSON.parse((await db.getMeta(cursorKey('github.com/Acme/Billing'))) ?? '{}')).toEqual({
      sha: r.git(['rev-parse', 'HEAD']),
      branch: 'refs/heads/main',
    });

    const second = await ingestGit(db, [r.dir], { reworkWindowDays: 183 });
    expect(second.records).toBe(0);
    expect(second.repositories[0]?.walk).toBe('up-to-date');
    expect(await outcomeCount(db)).toBe(5);

    r.branch('feat/six');
    r.write('src/six.ts', lines('six', 6));
    r.commit('six', 9);
    r.checkout('main');
    r.merge('feat/six', 'Merge pull request #6 from acme/feat/six', 10);
    const third = await ingestGit(db, [r.dir], { reworkWindowDays: 183 });
    expect(third.records).toBe(1);
    expect(third.repositories[0]).toMatchObject({ walk: 'incremental', commitsWalked: 1 });
    expect(third.written).toBe(1);
    expect(third.alreadyStored).toBe(0);
    expect(await outcomeCount(db)).toBe(6);
    const [six] = await db.query("SELECT ref, head_branch, effective_lines FROM outcomes WHERE ref = '6'");
    expect(six).toEqual({ ref: '6', head_branch: 'feat/six', effective_lines: 6 });
    await db.close();
  });

  it('falls back to a full walk after a force push, storing nothing twice', async () => {
    const r = repoWithMerges(4);
    const db = await openStore(':memory:');
    await ingestGit(db, [r.dir], { reworkWindowDays: 183 });
    // Drop the last merge and push a different one in its place.
    r.git(['reset', '-q', '--hard', 'HEAD~1']);
    r.checkout('HEAD');
    r.write('src/other.ts', lines('other', 3));
    r.commit('feat: other (#9)', 6);
    const after = await ingestGit(db, [r.dir], { reworkWindowDays: 183 });
    expect(after.repositories[0]?.walk).toBe('full');
    expect(after.records).toBe(4);
    expect(after.alreadyStored).toBe(3);
    // The dropped merge stays stored (it did merge once); the new one is added.
    expect(await outcomeCount(db)).toBe(5);
    await db.close();
  });

  it('with --full re-reads everything and adds nothing', async () => {
    const r = repoWithMerges(3);
    const db = await openStore(':memory:');
    await ingestGit(db, [r.dir], { reworkWindowDays: 183 });
    const again = await ingestGit(db, [r.dir], { reworkWindowDays: 183, full: true });
    expect({ records: again.records, alreadyStored: again.alreadyStored }).toEqual({
      records: 3,
      alreadyStored: 3,
    });
    expect(await outcomeCount(db)).toBe(3);
    await db.close();
  });
});
