import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANA, lines, ScriptedRepo, type Who } from '../../../../test/git-repo.js';
import type { OutcomeRecord } from '../../../domain/outcome.js';
import { openRepo, readMergedWork } from './index.js';

/**
 * A maintainer who merges PRs by rebasing them onto main and pushing (as tod-org/tod does): the landed
 * commits carry the maintainer as committer, not the forge, so git alone cannot tell them from direct
 * pushes. The PR heads (`refs/pull/N/head`) can: the rebase keeps each commit's author, author time and
 * subject.
 */
const LI: Who = { name: 'Li', email: 'li@example.com' };

function landByRebase(r: ScriptedRepo, commits: string[], day: number): void {
  const at = `@${Math.round(Date.UTC(2026, 0, 5, 9) / 1000 + day * 86_400)} +0000`;
  for (const sha of commits)
    r.git(['cherry-pick', '--allow-empty', sha], {
      GIT_COMMITTER_NAME: ANA.name,
      GIT_COMMITTER_EMAIL: ANA.email,
      GIT_COMMITTER_DATE: at,
    });
  r.checkout('HEAD');
}

function scenario(r: ScriptedRepo): void {
  r.write('src/app.ts', lines('app', 40));
  r.commit('chore: initial', 0);
  // PR 3: two commits by Li, the first with Copilot's trailer; PR 4 stacked on it with one more commit.
  r.branch('feat/a');
  r.write('src/a.ts', lines('a', 10));
  const a1 = r.commit('feat: a\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>', 1, {
    author: LI,
  });
  r.write('src/a2.ts', lines('a2', 5));
  const a2 = r.commit('test: a', 2, { author: LI });
  r.git(['update-ref', 'refs/pull/3/head', a2]);
  r.git(['update-ref', 'refs/remotes/origin/feat/a', a2]);
  r.branch('feat/b');
  r.write('src/b.ts', lines('b', 8));
  const b1 = r.commit('feat: b', 3, { author: LI });
  r.git(['update-ref', 'refs/pull/4/head', b1]);
  r.checkout('main');
  r.replace('src/app.ts', 1, 2, 'hotfix');
  r.commit('fix: hotfix', 3);
  landByRebase(r, [a1, a2], 4);
  r.replace('src/app.ts', 10, 2, 'tweak');
  r.commit('chore: tweak', 5);
  landByRebase(r, [b1], 6);
}

const repo = new ScriptedRepo();
let withHeads: OutcomeRecord[] = [];
let withoutHeads: OutcomeRecord[] = [];
afterAll(() => repo.cleanup());
beforeAll(async () => {
  scenario(repo);
  withHeads = (await readMergedWork(await openRepo(repo.dir), { reworkWindowDays: 0 })).records;
  repo.git(['update-ref', '-d', 'refs/pull/3/head']);
  repo.git(['update-ref', '-d', 'refs/pull/4/head']);
  withoutHeads = (await readMergedWork(await openRepo(repo.dir), { reworkWindowDays: 0 })).records;
});

describe('rebase merges landed by a person, told apart by PR heads', () => {
  it('with the heads: each PR is one rebase unit with its number, stacked commits in the lowest PR', () => {
    expect(withHeads.map((r) => [r.unitKind, r.ref])).toEqual([
      ['direct_push', null],
      ['direct_push', null],
      ['rebase', '3'],
      ['direct_push', null],
      ['rebase', '4'],
    ]);
    expect(withHeads[2]?.aiAssisted).toBe(true);
    // The head's remote-tracking branch names the PR's branch (for the session join).
    expect(withHeads.map((r) => r.headBranch)).toEqual([null, null, 'feat/a', null, null]);
    expect(withHeads[4]?.aiAssisted).toBe(false);
  });

  it('without them: every rebased commit is a direct push (git alone has no evidence of a PR)', () => {
    expect(withoutHeads.map((r) => r.unitKind)).toEqual(Array(6).fill('direct_push'));
  });
});
