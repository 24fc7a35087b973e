import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, lines, ScriptedRepo, T0, type Who } from '../../../../test/git-repo.js';
import type { OutcomeRecord } from '../../../domain/outcome.js';
import { openRepo, readMergedWork } from './index.js';

const GITHUB: Who = { name: 'GitHub', email: 'noreply@github.com' };
const DEVIN: Who = {
  name: 'Devin AI',
  email: '158243242+devin-ai-integration[bot]@users.noreply.github.com',
};

/** A branch commit as the test writes it: its trailer (or none) and author. */
interface BranchCommit {
  file: string;
  trailer: string | null;
  author?: Who;
}

const CLAUDE = 'Co-Authored-By: Claude Sonnet 4.6 <noreply@anthropic.com>';
const CURSOR = 'Co-authored-by: Cursor <cursoragent@cursor.com>';
const AIDER = 'Co-authored-by: aider (anthropic/claude-sonnet-4-6) <aider@aider.chat>';

/**
 * Writes the commits on a new branch off main, then squashes them onto main as one commit with `message`
 * (no markers of its own, as a forge's squash may drop them), and deletes the local branch. Returns the sha
 * the branch ended at (what a PR head ref would name) and the squash commit.
 */
function squashMerge(r: ScriptedRepo, branch: string, commits: BranchCommit[], message: string, day: number) {
  r.branch(branch);
  commits.forEach((c, i) => {
    r.write(c.file, lines(`${branch}-${i}`, 3));
    r.commit(`work ${i}${c.trailer ? `\n\n${c.trailer}` : ''}`, day - 1, { author: c.author });
  });
  const head = r.git(['rev-parse', 'HEAD']);
  r.checkout('main');
  r.git(['merge', '--squash', '-q', branch]);
  const squash = r.commit(message, day, { committer: GITHUB });
  r.git(['branch', '-q', '-D', branch]);
  return { head, squash };
}

const aiCount = (commits: BranchCommit[]) =>
  commits.filter((c) => c.trailer !== null || c.author === DEVIN).length;

const repo = new ScriptedRepo();
let records: OutcomeRecord[] = [];
const A: BranchCommit[] = [
  { file: 'src/a1.ts', trailer: CLAUDE },
  { file: 'src/a2.ts', trailer: null },
];
const B: BranchCommit[] = [{ file: 'src/b.ts', trailer: AIDER }];
const C: BranchCommit[] = [
  { file: 'src/c1.ts', trailer: null },
  { file: 'src/c2.ts', trailer: CURSOR },
  { file: 'src/c3.ts', trailer: null },
];
const D: BranchCommit[] = [{ file: 'src/d.ts', trailer: null }];

beforeAll(async () => {
  repo.write('README.md', lines('readme', 3));
  repo.commit('chore: initial', 0);
  // #5: GitHub squash merge; the clone fetched refs/pull/5/head.
  const a = squashMerge(repo, 'feat/a', A, 'feat: a (#5)', 10);
  repo.git(['update-ref', 'refs/pull/5/head', a.head]);
  // #6: squash merge whose branch is gone and no ref kept: only the squash commit can be read.
  squashMerge(repo, 'feat/b', B, 'feat: b (#6)', 12);
  // !7: GitLab fast-forward squash; the clone keeps refs/merge-requests/7/head.
  const c = squashMerge(repo, 'feat/c', C, 'feat: c\n\nSee merge request acme/billing!7', 14);
  repo.git(['update-ref', 'refs/merge-requests/7/head', c.head]);
  // #8: a merge of feat/d; afterwards the branch name is reused by Devin for later work, and
  // refs/remotes/origin/feat/d points at that: commits authored after #8 merged are not #8's.
  repo.branch('feat/d');
  repo.write(D[0]?.file ?? '', lines('d', 3));
  repo.commit('work d', 15);
  repo.checkout('main');
  repo.merge('feat/d', 'Merge pull request #8 from acme/feat/d\n\nD', 16, GITHUB);
  repo.branch('feat/d-later');
  repo.write('src/d-later.ts', lines('later', 3));
  const later = repo.commit('later work on d', 20, { author: DEVIN });
  repo.checkout('main');
  repo.git(['update-ref', 'refs/remotes/origin/feat/d', later]);
  records = (await readMergedWork(await openRepo(repo.dir), { reworkWindowDays: 0 })).records;
});
afterAll(() => repo.cleanup());

const byRef = (ref: string) => records.find((r) => r.ref === ref) as OutcomeRecord;

describe('branch commits of squash merges from local head refs', () => {
  it('reads refs/pull/N/head: every branch commit is checked (the squash commit is their copy)', () => {
    const pr = byRef('5');
    expect(pr.aiAssisted).toBe(true);
    expect(pr.aiEvidence).toBe(
      `commit markers: claude-code (${aiCount(A)} of ${A.length} commits; ${A.length} from refs/pull/5/head)`,
    );
    // The first branch commit says when the work began; without a ref a squash merge's open time is unknown.
    expect(pr.openedAt?.getTime()).toBe((T0 + 9 * DAY) * 1000);
    expect(byRef('6').openedAt).toBeNull();
  });

  it('without a ref, only the squash commit is seen (its markers were dropped)', () => {
    expect(B.length).toBe(aiCount(B));
    expect(byRef('6').aiAssisted).toBe(false);
  });

  it('reads refs/merge-requests/N/head for GitLab', () => {
    const mr = byRef('7');
    expect(mr.aiEvidence).toBe(
      `commit markers: cursor (${aiCount(C)} of ${C.length} commits; ${C.length} from refs/merge-requests/7/head)`,
    );
  });

  it('ignores commits a reused branch ref gained after the merge', () => {
    const pr = byRef('8');
    expect(pr.headBranch).toBe('feat/d');
    expect(pr.aiAssisted).toBe(false);
  });

  it('counts four merged units besides the first commit', () => {
    expect(records.filter((r) => r.ref !== null).map((r) => r.ref)).toEqual(['5', '6', '7', '8']);
  });
});
