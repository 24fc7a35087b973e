import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANA, DAY, lines, ScriptedRepo, T0, type Who } from '../../../../test/git-repo.js';
import type { OutcomeRecord } from '../../../domain/outcome.js';
import { openRepo, readMergedWork } from './index.js';

const GITHUB: Who = { name: 'GitHub', email: 'noreply@github.com' };
const LI: Who = { name: 'Li', email: 'li@example.com' };
const DEVIN: Who = {
  name: 'Devin AI',
  email: '158243242+devin-ai-integration[bot]@users.noreply.github.com',
};
const CURSOR_AGENT: Who = { name: 'Cursor Agent', email: 'cursoragent@cursor.com' };
const AIDER_HUMAN: Who = { name: 'Ana (aider)', email: 'ana@example.com' };

/** What the test expects of each unit, computed from what it wrote. */
interface Expected {
  sha: string;
  ref: string | null;
  headBranch: string | null;
  additions: number;
  deletions: number;
  files: number;
  effectiveLines: number;
  ai: string[];
  rework: string | null;
  /** Young lines rewritten and lines changed, where measured and not zero. */
  young?: [number, number];
  tickets: string[];
  /** Null where git holds no evidence of when the work began (a squash commit's author time is the merge). */
  openedDay: number | null;
  mergedDay: number;
}

/**
 * Ten units of merged work on `main`, one of each kind, with markers of each tool, a lockfile, vendored and
 * generated files, a binary file, a rename, a revert, and changes to young (<21 days) and old lines.
 */
function buildScenario(r: ScriptedRepo): Expected[] {
  const expected: Expected[] = [];
  const unit = (e: Omit<Expected, 'sha'>) => expected.push({ ...e, sha: r.git(['rev-parse', 'HEAD']) });

  // 1. Day 0: a direct commit (root).
  r.write('src/app.ts', lines('app', 100));
  r.write('README.md', lines('readme', 5));
  r.commit('chore: initial', 0);
  unit({
    ref: null,
    headBranch: null,
    additions: 105,
    deletions: 0,
    files: 2,
    effectiveLines: 105,
    ai: [],
    rework: null,
    tickets: [],
    openedDay: 0,
    mergedDay: 0,
  });

  // 2. Day 60: GitHub merge of feat/BILL-7-export; Claude Code on the first branch commit; a lockfile.
  r.branch('feat/BILL-7-export');
  r.write('src/export.ts', lines('export', 20));
  r.write('package-lock.json', lines('lock', 500));
  r.commit('feat: export\n\nCo-Authored-By: Claude <noreply@anthropic.com>', 58);
  r.replace('src/app.ts', 1, 5, 'app-v2');
  r.commit('refactor app head', 59, { author: LI });
  r.checkout('main');
  r.merge(
    'feat/BILL-7-export',
    'Merge pull request #1 from acme/feat/BILL-7-export\n\nInvoice export',
    60,
    GITHUB,
  );
  unit({
    ref: '1',
    headBranch: 'feat/BILL-7-export',
    additions: 20 + 500 + 5,
    deletions: 5,
    files: 3,
    effectiveLines: 20 + 5 + 5,
    ai: ['claude-code'],
    rework: null,
    tickets: ['BILL-7'],
    openedDay: 58,
    mergedDay: 60,
  });
  const exportAuthoredDay = 58;

  // 3. Day 61: squash merge (#2) by the Copilot coding agent; rewrites export.ts lines 1-10 (3 days old), adds a PNG.
  r.replace('src/export.ts', 1, 10, 'export-fix');
  r.write('assets/logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3, 0, 255]));
  const squash = r.commit(
    'fix: guard empty export (#2)\n\n* guard\n\n---------\n\nCo-authored-by: copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>\nCo-authored-by: ana <583231+ana@users.noreply.github.com>',
    61,
    { committer: GITHUB },
  );
  unit({
    ref: '2',
    headBranch: null,
    additions: 10,
    deletions: 10,
    files: 2,
    effectiveLines: 20,
    ai: ['copilot'],
    // A fix rewriting 10 lines merged 3 days before: a fix of recent work (below the churn minimum of 20).
    rework: 'fix of recent work: 10 of 10 changed lines rewrote lines <21 days old',
    young: [10, 10],
    tickets: [],
    openedDay: null,
    mergedDay: 61,
  });
  expect(61 - exportAuthoredDay).toBeLessThan(21);

  // 4. Day 62: rebase merge of two commits (same committer and committer time): an aider-named author
  //    renames app.ts with a one-line change; Devin adds vendored code and a doc.
  r.move('src/app.ts', 'src/main.ts');
  r.replace('src/main.ts', 100, 1, 'main-tail');
  r.commit('rename app to main', 50, { author: AIDER_HUMAN, committer: GITHUB, committedDay: 62 });
  r.write('vendor/lib.js', lines('vendored', 50));
  r.write('docs/guide.md', lines('guide', 8));
  r.commit('docs: guide', 51, { author: DEVIN, committer: GITHUB, committedDay: 62 });
  unit({
    ref: null,
    headBranch: null,
    additions: 1 + 50 + 8,
    deletions: 1,
    files: 3,
    effectiveLines: 2 + 8,
    ai: ['aider', 'devin'],
    rework: null,
    tickets: [],
    openedDay: 50,
    mergedDay: 62,
  });

  // 5. Day 63: merge of fix/churn with a Cursor trailer; rewrites export.ts lines 14-20 (5 days old; lines
  //    11-13 stay as context for the revert below).
  r.branch('fix/churn');
  r.replace('src/export.ts', 14, 7, 'export-churn');
  r.commit('fix: churn\n\nCo-authored-by: Cursor <cursoragent@cursor.com>', 63);
  r.checkout('main');
  r.merge('fix/churn', 'Merge pull request #3 from ana/fix/churn\n\nChurn fix', 63, GITHUB);
  unit({
    ref: '3',
    headBranch: 'fix/churn',
    additions: 7,
    deletions: 7,
    files: 1,
    effectiveLines: 14,
    ai: ['cursor'],
    rework: null,
    young: [7, 7],
    tickets: [],
    openedDay: 63,
    mergedDay: 63,
  });

  // 6. Day 64: a revert of the squash merge.
  r.revert(squash, 64);
  unit({
    ref: null,
    headBranch: null,
    additions: 10,
    deletions: 10,
    files: 2,
    effectiveLines: 20,
    ai: [],
    rework: `revert of ${squash.slice(0, 12)}`,
    tickets: [],
    openedDay: 64,
    mergedDay: 64,
  });

  // 7. Day 65: GitLab merge request !9 with a Codex trailer; a yarn.lock and build output.
  r.branch('feature/OPS-3-tune');
  r.write('src/tune.ts', lines('tune', 12));
  r.write('yarn.lock', lines('yarn', 40));
  r.write('dist/bundle.js', lines('bundle', 30));
  r.write('src/api.generated.ts', lines('gen', 7));
  r.commit('tune\n\nCo-authored-by: Codex <noreply@openai.com>', 64);
  r.checkout('main');
  r.merge(
    'feature/OPS-3-tune',
    "Merge branch 'feature/OPS-3-tune' into 'main'\n\nTune the exporter\n\nSee merge request acme/billing!9",
    65,
  );
  unit({
    ref: '9',
    headBranch: 'feature/OPS-3-tune',
    additions: 12 + 40 + 30 + 7,
    deletions: 0,
    files: 4,
    effectiveLines: 12,
    ai: ['codex'],
    rework: null,
    tickets: ['OPS-3'],
    openedDay: 64,
    mergedDay: 65,
  });

  // 8. Day 100: a direct commit authored by the Cursor background agent on old lines (day 0).
  r.replace('src/main.ts', 50, 10, 'agent');
  r.commit('perf: faster main', 100, { author: CURSOR_AGENT, committer: ANA });
  unit({
    ref: null,
    headBranch: null,
    additions: 10,
    deletions: 10,
    files: 1,
    effectiveLines: 20,
    ai: ['cursor'],
    rework: null,
    tickets: [],
    openedDay: 100,
    mergedDay: 100,
  });

  // 9. Day 101: a human changes tune.ts lines 1-4 (36 days old): not rework.
  r.replace('src/tune.ts', 1, 4, 'tune-v2');
  r.commit('tune again', 101);
  unit({
    ref: null,
    headBranch: null,
    additions: 4,
    deletions: 4,
    files: 1,
    effectiveLines: 8,
    ai: [],
    rework: null,
    tickets: [],
    openedDay: 101,
    mergedDay: 101,
  });

  // 10. Day 102: 3 young lines (tune.ts 1-3, a day old) and 2 old lines (main.ts 1-2): 60% young.
  r.replace('src/tune.ts', 1, 3, 'tune-v3');
  r.replace('src/main.ts', 1, 2, 'main-v3');
  r.commit('tune once more', 102);
  unit({
    ref: null,
    headBranch: null,
    additions: 5,
    deletions: 5,
    files: 2,
    effectiveLines: 10,
    ai: [],
    rework: null,
    young: [3, 5],
    tickets: [],
    openedDay: 102,
    mergedDay: 102,
  });
  return expected;
}

const repo = new ScriptedRepo();
let expected: Expected[] = [];
let records: OutcomeRecord[] = [];
afterAll(() => repo.cleanup());
beforeAll(async () => {
  expected = buildScenario(repo);
  const info = await openRepo(repo.dir);
  records = (await readMergedWork(info, { reworkWindowDays: 183 })).records;
});

describe('readMergedWork on a scripted repository', () => {
  it('finds one unit per merge, squash, rebase group and direct commit', () => {
    expect(records.length).toBe(expected.length);
    const ids = new Set(records.map((r) => r.id));
    expect(ids.size).toBe(expected.length);
  });

  it('stores how each unit reached main; direct pushes are no merged PRs', () => {
    expect(records.map((r) => r.unitKind)).toEqual([
      'direct_push',
      'merge',
      'squash',
      'rebase',
      'merge',
      'direct_push',
      'merge',
      'direct_push',
      'direct_push',
      'direct_push',
    ]);
    expect(records.map((r) => r.kind)).toEqual(
      records.map((r) => (r.unitKind === 'direct_push' ? 'direct_push' : 'pr_merged')),
    );
  });

  it('records refs, head branches, tickets and times of each unit', () => {
    for (const [i, e] of expected.entries()) {
      const r = records[i] as OutcomeRecord;
      expect({ ref: r.ref, headBranch: r.headBranch, tickets: r.linkedTickets }, `unit ${i + 1}`).toEqual({
        ref: e.ref,
        headBranch: e.headBranch,
        tickets: e.tickets,
      });
      expect(r.at.getTime() / 1000, `unit ${i + 1} merged`).toBe(T0 + e.mergedDay * DAY);
      expect(r.openedAt === null ? null : r.openedAt.getTime() / 1000, `unit ${i + 1} opened`).toBe(
        e.openedDay === null ? null : T0 + e.openedDay * DAY,
      );
    }
  });

  it('measures size, counting renames once and leaving lockfiles, vendored, generated and binary files out of effective lines', () => {
    expect(records.map((r) => r.size)).toEqual(
      expected.map((e) => ({
        additions: e.additions,
        deletions: e.deletions,
        files: e.files,
        effectiveLines: e.effectiveLines,
      })),
    );
    expect(records.every((r) => r.pointsBasis === 'size_model' && (r.points ?? 0) >= 1)).toBe(true);
    // The README's example A is unit 2: 30 effective lines in 2 files (the lockfile left out) → 2.6 points.
    expect(records[1]).toMatchObject({ points: 2.6, size: { effectiveLines: 30, files: 3 } });
  });

  it('detects the AI markers of every tool on every commit of a unit', () => {
    expect(records.map((r) => r.aiAssisted)).toEqual(expected.map((e) => e.ai.length > 0));
    for (const [i, e] of expected.entries()) {
      for (const tool of e.ai) expect(records[i]?.aiEvidence, `unit ${i + 1}`).toContain(tool);
    }
    expect(records.filter((r) => r.aiAssisted).length).toBe(6);
    // Unit 2: one of its two branch commits carried a marker; the merge commit is no commit of the PR.
    expect(records[1]?.aiEvidence).toBe('commit markers: claude-code (1 of 2 commits)');
  });

  it('flags reverts and churn of young lines, not changes to old lines', () => {
    expect(records.map((r) => r.reworkReason)).toEqual(expected.map((e) => e.rework));
    expect(records.map((r) => r.rework)).toEqual(expected.map((e) => e.rework !== null));
  });

  it('uses the author of the work, not the merger, as actor; identity from the folder without origin', () => {
    expect(records[1]?.actor).toBe(ANA.email);
    expect(records[3]?.actor).toBe(AIDER_HUMAN.email);
    expect(records[7]?.actor).toBe(CURSOR_AGENT.email);
    expect(records[0]?.repo).toBe(repo.dir);
  });

  it('measures line-level churn: young lines rewritten of lines changed', () => {
    for (const [i, e] of expected.entries()) {
      const r = records[i] as OutcomeRecord;
      if (e.young) expect([r.youngLines, r.changedLines], `unit ${i + 1}`).toEqual(e.young);
    }
    // Unit 9 changes 4 lines, none young; the revert (unit 6) is not measured (a revert is rework anyway).
    expect([records[8]?.youngLines, records[8]?.changedLines]).toEqual([0, 4]);
    expect(records[5]?.changedLines).toBeNull();
  });

  it('checks churn only inside the rework window (reverts always count)', async () => {
    const info = await openRepo(repo.dir);
    const narrow = (await readMergedWork(info, { reworkWindowDays: 10 })).records;
    expect(narrow.map((r) => r.reworkReason)).toEqual(
      expected.map((e) => (e.mergedDay >= 102 - 10 || e.rework?.startsWith('revert') ? e.rework : null)),
    );
    const off = (await readMergedWork(info, { reworkWindowDays: 0 })).records;
    expect(off.filter((r) => r.rework).map((r) => r.reworkReason)).toEqual([expected[5]?.rework]);
  });

  it('reads only what follows a cursor, and only work merged since a day', async () => {
    const info = await openRepo(repo.dir);
    const after = (await readMergedWork(info, { reworkWindowDays: 183, cursor: expected[6]?.sha })).records;
    expect(after.map((r) => r.id)).toEqual(records.slice(7).map((r) => r.id));
    const since = (
      await readMergedWork(info, { reworkWindowDays: 183, since: new Date((T0 + 62 * DAY) * 1000) })
    ).records;
    expect(since.map((r) => r.id)).toEqual(records.slice(3).map((r) => r.id));
    // The same units with the same sizes as in the full walk.
    expect(since.map((r) => r.size)).toEqual(records.slice(3).map((r) => r.size));
  });

  it('after a cursor, still sees lines that units behind the cursor made young', async () => {
    const info = await openRepo(repo.dir);
    // Unit 10 changes tune.ts lines unit 9 wrote a day before; unit 9 is behind the cursor.
    const after = (await readMergedWork(info, { reworkWindowDays: 183, cursor: expected[8]?.sha })).records;
    expect(after.map((r) => [r.youngLines, r.changedLines])).toEqual([expected[9]?.young]);
  });
});
