import { recordId } from '../src/domain/ids.js';
import type { OutcomeRecord } from '../src/domain/outcome.js';
import { GIT_SOURCE, openRepo, readMergedWork } from '../src/sources/delivery/git/index.js';
import { gitTruth, prHeadIndex, type TruthUnit } from './git-truth.js';

/**
 * Issue 17's bar for local git: on real public repositories (one merge-commit, one squash-merge, one
 * rebase-merge style, each with AI attribution trailers), Mileage's counts of merged PRs, direct pushes,
 * reverts and AI-marked PRs against the plain-git truth of git-truth.ts, unit by unit; every difference is
 * printed with its commit and subject so it can be explained (README) or fixed. The repositories are never
 * committed: MILEAGE_BENCH_REAL_REPOS lists clones, comma-separated (`git clone` of a fetched mirror).
 */
interface Figures {
  prs: number;
  directPushes: number;
  reverts: number;
  aiPrs: number;
}

const count = (units: readonly { pr: boolean; revert: boolean; ai: boolean }[]): Figures => ({
  prs: units.filter((u) => u.pr).length,
  directPushes: units.filter((u) => !u.pr).length,
  reverts: units.filter((u) => u.revert).length,
  aiPrs: units.filter((u) => u.pr && u.ai).length,
});

function mileageView(r: OutcomeRecord) {
  return {
    pr: r.kind === 'pr_merged',
    revert: r.reworkReason?.startsWith('revert of') === true,
    ai: r.aiAssisted,
  };
}

function truthView(t: TruthUnit) {
  return { pr: t.kind === 'pr', revert: t.revert, ai: t.ai };
}

export async function benchGitRealRepos(): Promise<void> {
  const paths = (process.env.MILEAGE_BENCH_REAL_REPOS ?? '').split(',').filter(Boolean);
  if (paths.length === 0) {
    console.log(
      'skipped: set MILEAGE_BENCH_REAL_REPOS to clones of real repositories, comma-separated (e.g. anthropics/claude-code-action, steveyegge/beads, jj-vcs/jj)',
    );
    return;
  }
  for (const path of paths) {
    const repo = await openRepo(path);
    const started = performance.now();
    const { records, skipped } = await readMergedWork(repo, { reworkWindowDays: 0 });
    const unreadable = new Set(skipped.map((s) => s.commit));
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    // With the forge's PR heads fetched, the truth takes PR membership from them (git-truth.ts).
    const heads = prHeadIndex(repo.path, repo.tip);
    const truth = gitTruth(repo.path, repo.tip, undefined, heads.size > 0 ? heads : undefined);
    const byId = new Map(records.map((r) => [r.id, r]));
    const m = count(records.map(mileageView));
    const t = count(truth.map(truthView));
    console.log(
      `\n${repo.identity} (${repo.branch}): ${truth.length} truth units, ${records.length} Mileage units (${skipped.length} skipped: unreadable objects), read in ${seconds} s; truth from ${heads.size > 0 ? `PR heads (${heads.size} commits)` : 'git log alone'}`,
    );
    console.log('                 git truth   Mileage');
    for (const k of ['prs', 'directPushes', 'reverts', 'aiPrs'] as const)
      console.log(`  ${k.padEnd(14)} ${String(t[k]).padStart(9)} ${String(m[k]).padStart(9)}`);
    // Unit by unit: a truth unit whose last commit is no Mileage unit, and every figure that differs.
    const diffs: Record<string, string[]> = {};
    const note = (what: string, t: TruthUnit, detail = '') =>
      (diffs[what] ??= []).push(`${t.sha.slice(0, 10)} ${t.subject.slice(0, 70)}${detail}`);
    const matched = new Set<string>();
    for (const u of truth) {
      const r = byId.get(recordId(GIT_SOURCE, repo.identity, u.sha));
      if (!r && unreadable.has(u.sha)) {
        note(
          'skipped by Mileage: git cannot read one of its objects (the clone lacks it)',
          u,
          ` [${skipped.find((s) => s.commit === u.sha)?.object ?? ''}]`,
        );
        continue;
      }
      if (!r) {
        note('unit boundary (truth unit ends where Mileage has none)', u);
        continue;
      }
      matched.add(r.id);
      const a = mileageView(r);
      const b = truthView(u);
      if (a.pr !== b.pr)
        note(
          `kind: truth ${b.pr ? 'PR' : 'direct push'}, Mileage ${a.pr ? 'PR' : 'direct push'}`,
          u,
          ` [${r.unitKind}]`,
        );
      if (a.revert !== b.revert)
        note(`revert: truth ${b.revert}, Mileage ${a.revert}`, u, ` [${r.reworkReason ?? ''}]`);
      if (a.pr && b.pr && a.ai !== b.ai)
        note(`AI-marked PR: truth ${b.ai}, Mileage ${a.ai}`, u, ` [${r.aiEvidence ?? ''}]`);
    }
    const extra = records.length - matched.size;
    if (extra > 0) (diffs['Mileage units with no truth unit'] ??= []).push(`${extra} units`);
    for (const [what, list] of Object.entries(diffs)) {
      console.log(`  ${what}: ${list.length}`);
      for (const line of list.slice(0, 6)) console.log(`    ${line}`);
    }
    if (Object.keys(diffs).length === 0) console.log('  no differences, unit by unit');
  }
}
