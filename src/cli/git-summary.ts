import type { GitIngestSummary, GitRepoSummary } from '../ingest/git.js';
import type { UpToDateRepo } from '../ingest/git-manifest.js';
import { emptySummary } from '../ingest/summary.js';

/**
 * One repository's line in a summary: what was read of it and what it holds. Its own module because the
 * quick no-op path (quick-ingest.ts) prints it without loading the command.
 */
export function describeRepository(r: GitRepoSummary): string {
  const branch = r.branch.replace(/^refs\/(heads|remotes)\//, '');
  const pushes = r.trunkBased
    ? `${r.directPushes} of them direct pushes (trunk-based)`
    : `${r.directPushes} direct push${r.directPushes === 1 ? '' : 'es'} beside them`;
  const fetched = r.prRefs
    ? `; ${r.prRefs.total} PR heads in ${r.prRefs.refspec.split(':')[1] ?? ''}${r.prRefs.reread > 0 ? ` (${r.prRefs.reread} stored units read again for them)` : ''}`
    : '';
  return `${r.repo} (${branch}, ${r.walk}): ${r.prs} merged PRs, ${r.aiAssisted} AI-assisted, ${r.rework} rework (${r.reworkChecked} checked for churn); ${pushes}${fetched}`;
}

/** The summary of a run that found every repository up to date (what the quick path prints, as the full one would). */
export function upToDateSummary(repos: readonly UpToDateRepo[]): GitIngestSummary {
  return {
    ...emptySummary('git'),
    files: repos.length,
    repositories: repos.map((r) => ({
      path: r.path,
      repo: r.repo,
      branch: r.branch,
      walk: 'up-to-date',
      commitsWalked: 0,
      units: 0,
      prs: 0,
      directPushes: 0,
      trunkBased: r.trunkBased,
      aiAssisted: 0,
      rework: 0,
      reworkChecked: 0,
      skipped: [],
    })),
    changed: 0,
  };
}
