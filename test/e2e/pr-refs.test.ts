import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { DAY, lines, ScriptedRepo, T0, type Who } from '../git-repo.js';
import { mileage } from './cli.js';

/**
 * `ingest git --fetch-pr-refs` end to end through the built CLI, against a local "forge": a bare mirror
 * holding `refs/pull/N/head` as GitHub keeps them (served by file path: the test has no network). Its
 * branches were deleted after each merge, as GitHub does; the engineer's clone still has its local branch
 * `feat/login` at PR #1's head, and the agent sessions ran there.
 *
 *   day 1    feat/login: commit with a Claude trailer; day 1.5 a second commit
 *   day 3    PR #1 squash-merged: `Add login (#1)` (no trailer, no branch name)
 *   day 4    feat/report; day 5 PR #2 merged with a merge commit naming its branch
 *   day 5.5  fix/typo; day 6 PR #3 squash-merged; no branch of that name survives anywhere
 *
 * Sessions (claude-code, cwd = the engineer's clone):
 *   A feat/login day 0.5 → PR #1 (before its first commit)   B feat/login day 2 → PR #1
 *   R feat/report day 4.5 → PR #2                             C fix/typo day 5.7 → none (its name is unknown to git)
 */
const GITHUB: Who = { name: 'GitHub', email: 'noreply@github.com' };
const CLAUDE = 'Co-Authored-By: Claude Sonnet 4.6 <noreply@anthropic.com>';

const root = mkdtempSync(join(tmpdir(), 'mileage-e2e-prrefs-'));
const upstream = new ScriptedRepo('mileage-e2e-prrefs-up-');
const forge = join(root, 'forge.git');
const work = join(root, 'work');
const home = join(root, 'claude');
const db = join(root, 'store.duckdb');

const SESSIONS = [
  { id: 'A', branch: 'feat/login', day: 0.5, pr: '1' },
  { id: 'B', branch: 'feat/login', day: 2, pr: '1' },
  { id: 'R', branch: 'feat/report', day: 4.5, pr: '2' },
  { id: 'C', branch: 'fix/typo', day: 5.7, pr: null },
];

function transcript(s: (typeof SESSIONS)[number]): string {
  return `${JSON.stringify({
    type: 'assistant',
    sessionId: `sess-${s.id}`,
    requestId: `req_${s.id}`,
    timestamp: new Date((T0 + s.day * DAY) * 1000).toISOString(),
    cwd: work,
    gitBranch: s.branch,
    costUSD: 1,
    message: {
      id: `msg_${s.id}`,
      model: 'claude-sonnet-4-5',
      usage: {
        input_tokens: 10,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
        output_tokens: 20,
      },
    },
  })}\n`;
}

/** Squash-merges `branch` as GitHub does and keeps its head as `refs/pull/N/head`; the branch is deleted. */
function squash(r: ScriptedRepo, branch: string, n: string, title: string, day: number): string {
  const head = r.git(['rev-parse', branch]);
  r.checkout('main');
  r.git(['merge', '--squash', '-q', branch]);
  r.commit(`${title} (#${n})`, day, { committer: GITHUB });
  r.git(['update-ref', `refs/pull/${n}/head`, head]);
  r.git(['branch', '-q', '-D', branch]);
  return head;
}

async function run(args: string[], cwd = root) {
  return mileage([...args, '--db', db], { cwd, env: { CLAUDE_CONFIG_DIR: home } });
}

async function ok(args: string[]) {
  const r = await run(args);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

async function inStore<T>(read: (q: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<T>) {
  const store = await openStore(db);
  try {
    return await read((sql) => store.query(sql));
  } finally {
    await store.close();
  }
}

const joins = () =>
  inStore((q) =>
    q(`SELECT u.session_id AS session, o.ref FROM pr_sessions ps JOIN usage u ON u.id = ps.record_id
       JOIN outcomes o ON o.id = ps.pr_id ORDER BY 1`),
  );

const pr = (n: string) =>
  inStore(async (q) => {
    const [row] = await q(
      `SELECT head_branch, ai_assisted, ai_evidence, opened_at FROM outcomes WHERE source = 'git' AND ref = '${n}'`,
    );
    return row;
  });

beforeAll(async () => {
  upstream.write('src/app.ts', lines('app', 20));
  upstream.commit('init', 0);
  upstream.branch('feat/login');
  upstream.write('src/login.ts', lines('login', 30));
  upstream.commit(`feat: login form\n\n${CLAUDE}`, 1);
  upstream.write('src/login.test.ts', lines('login-test', 10));
  upstream.commit('test: login', 1.5);
  const loginHead = squash(upstream, 'feat/login', '1', 'Add login', 3);
  upstream.branch('feat/report');
  upstream.write('src/report.ts', lines('report', 30));
  upstream.commit('feat: report', 4);
  upstream.checkout('main');
  upstream.merge('feat/report', 'Merge pull request #2 from acme/feat/report', 5);
  upstream.git(['update-ref', 'refs/pull/2/head', 'feat/report']);
  upstream.git(['branch', '-q', '-D', 'feat/report']);
  upstream.branch('fix/typo');
  upstream.write('src/app.ts', ['typo fixed', ...lines('app', 20).slice(1)]);
  upstream.commit('fix typo', 5.5);
  squash(upstream, 'fix/typo', '3', 'Fix typo', 6);

  execFileSync('git', ['clone', '-q', '--mirror', upstream.dir, forge]);
  execFileSync('git', ['remote', 'remove', 'origin'], { cwd: forge, stdio: 'ignore' });
  execFileSync('git', ['clone', '-q', forge, work]);
  // The engineer's own branch, which outlived the PR in their clone.
  execFileSync('git', ['branch', '-q', 'feat/login', loginHead], { cwd: work });
  execFileSync('git', ['fetch', '-q', 'origin', `refs/pull/1/head:refs/heads/feat/login`], { cwd: work });
  const projects = join(home, 'projects', '-work');
  mkdirSync(projects, { recursive: true });
  for (const s of SESSIONS) writeFileSync(join(projects, `sess-${s.id}.jsonl`), transcript(s));
  await ok(['ingest', 'claude-code', home]);
  await ok(['ingest', 'git', work]);
}, 90_000);

afterAll(() => {
  upstream.cleanup();
  rmSync(root, { recursive: true, force: true });
});

describe('ingest git --fetch-pr-refs (GitHub refs/pull/N/head, from a local forge)', () => {
  it('without the PR refs, the squash PRs have no head branch and only the merge commit joins', async () => {
    expect(await pr('1')).toMatchObject({ head_branch: null, ai_assisted: false });
    expect(await joins()).toEqual([{ session: 'sess-R', ref: '2' }]);
  });

  it('refuses to guess the forge of a local-path origin, and says how to name it', async () => {
    const r = await run(['ingest', 'git', work, '--fetch-pr-refs']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot tell which forge origin');
    expect(r.stderr).toContain('--forge github');
  });

  it('fetches every PR head, reads the stored squash units again, and recovers their branch and commits', async () => {
    const r = await ok(['ingest', 'git', work, '--fetch-pr-refs', '--forge', 'github', '--json']);
    const repo = (JSON.parse(r.stdout) as { repositories: Record<string, unknown>[] }).repositories[0];
    expect(repo).toMatchObject({
      walk: 'full',
      prs: 3,
      prRefs: { forge: 'github', remote: 'origin', total: 3, updated: 3, reread: 3 },
    });
    expect(r.stderr).toContain('fetching PR refs');
    expect(r.stderr).toContain('fetched 3 PR heads from origin (3 new or moved)');
    const refs = execFileSync('git', ['for-each-ref', '--format=%(refname)', 'refs/remotes/origin/pr'], {
      cwd: work,
      encoding: 'utf8',
    });
    expect(refs.trim().split('\n')).toEqual([
      'refs/remotes/origin/pr/1',
      'refs/remotes/origin/pr/2',
      'refs/remotes/origin/pr/3',
    ]);
    // #1: its branch commits (one with a Claude trailer) from the PR ref, its name from the local branch.
    const one = await pr('1');
    expect(one).toMatchObject({ head_branch: 'feat/login', ai_assisted: true });
    expect(String(one?.ai_evidence)).toContain('1 of 2 commits; 2 from refs/remotes/origin/pr/1');
    expect(new Date(String(one?.opened_at)).getTime() / 1000).toBe(T0 + 1 * DAY);
    // #3: its commit (so its open time) is known; no branch of that name is left, so no head branch.
    const three = await pr('3');
    expect(three).toMatchObject({ head_branch: null, ai_assisted: false });
    expect(new Date(String(three?.opened_at)).getTime() / 1000).toBe(T0 + 5.5 * DAY);
    expect(await joins()).toEqual([
      { session: 'sess-A', ref: '1' },
      { session: 'sess-B', ref: '1' },
      { session: 'sess-R', ref: '2' },
    ]);
  });

  it('fetches nothing new on a second run and reads nothing again', async () => {
    const r = await ok(['ingest', 'git', work, '--fetch-pr-refs', '--forge', 'github', '--json']);
    const repo = (JSON.parse(r.stdout) as { repositories: Record<string, unknown>[] }).repositories[0];
    expect(repo).toMatchObject({ walk: 'up-to-date', prRefs: { total: 3, updated: 0, reread: 0 } });
  });

  it('stops before writing anything when the remote cannot be reached, naming it and git’s reason', async () => {
    const lost = join(root, 'lost');
    execFileSync('git', ['clone', '-q', forge, lost]);
    execFileSync('git', ['remote', 'set-url', 'origin', join(root, 'gone.git')], { cwd: lost });
    const before = await inStore((q) => q('SELECT count(*) AS n FROM outcomes'));
    const r = await run(['ingest', 'git', lost, '--fetch-pr-refs', '--forge', 'github']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`fetching PR refs from origin (${join(root, 'gone.git')}) failed`);
    expect(r.stderr).toMatch(/does not appear to be a git repository|not found/);
    expect(await inStore((q) => q('SELECT count(*) AS n FROM outcomes'))).toEqual(before);
  });
});

describe('ingest git --fetch-pr-refs on a GitLab origin (refs/merge-requests/N/head)', () => {
  const gl = new ScriptedRepo('mileage-e2e-prrefs-gl-');
  const glForge = join(root, 'gl-forge.git');
  const glWork = join(root, 'gl-work');
  afterAll(() => gl.cleanup());

  it('fetches the merge requests’ heads and reads a squash MR’s own commits from them', async () => {
    gl.write('src/app.ts', lines('app', 10));
    gl.commit('init', 0);
    gl.branch('feat/export');
    gl.write('src/export.ts', lines('export', 20));
    gl.commit(`feat: export\n\n${CLAUDE}`, 1);
    const head = gl.git(['rev-parse', 'HEAD']);
    gl.checkout('main');
    gl.git(['merge', '--squash', '-q', 'feat/export']);
    gl.commit('Add export\n\nSee merge request acme/billing!4', 2);
    gl.git(['update-ref', 'refs/merge-requests/4/head', head]);
    gl.git(['branch', '-q', '-D', 'feat/export']);
    execFileSync('git', ['clone', '-q', '--mirror', gl.dir, glForge]);
    execFileSync('git', ['remote', 'remove', 'origin'], { cwd: glForge, stdio: 'ignore' });
    execFileSync('git', ['clone', '-q', glForge, glWork]);
    const r = await ok(['ingest', 'git', glWork, '--fetch-pr-refs', '--forge', 'gitlab', '--json']);
    const repo = (JSON.parse(r.stdout) as { repositories: Record<string, unknown>[] }).repositories[0];
    expect(repo).toMatchObject({ prs: 1, aiAssisted: 1, prRefs: { forge: 'gitlab', total: 1 } });
    expect(r.stderr).toContain('fetched 1 MR heads from origin');
    const refs = execFileSync('git', ['for-each-ref', '--format=%(refname)'], {
      cwd: glWork,
      encoding: 'utf8',
    });
    expect(refs).toContain('refs/remotes/origin/merge-requests/4/head');
  });
});
