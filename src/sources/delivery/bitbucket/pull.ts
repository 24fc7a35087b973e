import { recordId } from '../../../domain/ids.js';
import type { OutcomeRecord } from '../../../domain/outcome.js';
import { sizePoints } from '../../../domain/points.js';
import { forgeRepositoryKey } from '../../../domain/repository.js';
import { detectAiMarkers, type CommitIdentity } from '../ai-markers.js';
import { categoryOfWork } from '../git/category.js';
import { excludedPaths } from '../git/effective-paths.js';
import { reviewTiming, type ReviewEvent } from '../review-timing.js';
import { closingKeys, ticketKeys } from '../ticket-keys.js';

export const SOURCE = 'bitbucket';

/** A changed file of a PR: its path (for effective lines) and its lines added and removed. */
export interface ChangedFile {
  path: string;
  added: number;
  removed: number;
}

/**
 * A merged pull request as both Bitbucket editions describe it (Cloud REST 2.0, Data Center REST 1.0),
 * once their shapes are read: one mapping to a delivery record for both.
 */
export interface BitbucketPull {
  /** As configured: `workspace/repo` (Cloud) or `PROJECT/repo` (Data Center). */
  repo: string;
  id: number;
  /** Read for reverts, ticket keys and the category; never stored. */
  title: string;
  createdAt: Date;
  mergedAt: Date;
  /** The author's handle (Cloud nickname, Data Center user name), resolved through the directory. */
  author: string | null;
  /** The source branch: the join to agent sessions that worked on it. */
  headBranch: string | null;
  commits: (CommitIdentity & { at: Date | null })[];
  /** Null when the diff was not read (its size is then unknown, not zero). */
  files: ChangedFile[] | null;
  reviews: ReviewEvent[];
  /** Keys Bitbucket itself linked (Data Center's Jira integration), besides those in the title and branch. */
  jiraKeys: readonly string[];
}

export interface PullContext {
  /** The forge's URL (`https://bitbucket.org`, a Data Center host): the repository key's host. */
  base: string;
  /** Paths excluded from effective lines (lockfiles, vendored and generated files). */
  excluded?: (path: string) => boolean;
}

const defaultExcluded = excludedPaths();

/**
 * The delivery record of a merged Bitbucket PR: AI markers on every commit (and a bot author), size from
 * the diffstat with effective lines excluding lockfiles and generated files, review and approval times from
 * people other than the author, linked tickets from the title, branch, closing keywords and Jira links.
 */
export function pullRecord(pr: BitbucketPull, ctx: PullContext): OutcomeRecord {
  const tools = new Set<string>();
  for (const c of pr.commits) detectAiMarkers(c).forEach((t) => tools.add(t));
  if (pr.author) detectAiMarkers({ message: '', authorLogin: pr.author }).forEach((t) => tools.add(t));
  const excluded = ctx.excluded ?? defaultExcluded;
  const files = pr.files;
  const size = files && {
    additions: files.reduce((a, f) => a + f.added, 0),
    deletions: files.reduce((a, f) => a + f.removed, 0),
    files: files.length,
    effectiveLines: files.filter((f) => !excluded(f.path)).reduce((a, f) => a + f.added + f.removed, 0),
  };
  let openedAt = pr.createdAt;
  for (const c of pr.commits) if (c.at && c.at < openedAt) openedAt = c.at;
  const revert = pr.title.startsWith('Revert "');
  const { category, workType } = categoryOfWork(pr.title, pr.headBranch);
  const repo = forgeRepositoryKey(ctx.base, pr.repo);
  return {
    id: recordId(SOURCE, repo, pr.id),
    source: SOURCE,
    kind: 'pr_merged',
    unitKind: 'forge',
    at: pr.mergedAt,
    openedAt,
    actor: pr.author,
    repo,
    ref: String(pr.id),
    headBranch: pr.headBranch,
    linkedTickets: [
      ...new Set([
        ...ticketKeys(pr.title, pr.headBranch ?? ''),
        ...pr.commits.flatMap((c) => closingKeys(c.message)),
        ...pr.jiraKeys,
      ]),
    ],
    size,
    points: size ? sizePoints(size.effectiveLines, size.files) : null,
    pointsBasis: size ? 'size_model' : null,
    aiAssisted: tools.size > 0,
    aiEvidence: tools.size ? `commit markers: ${[...tools].join(', ')}` : null,
    rework: revert,
    reworkReason: revert ? 'revert' : null,
    category,
    ...reviewTiming(pr.reviews, pr.author),
    workType,
    workflow: null,
    count: 1,
    value: null,
  };
}

/** `Ana Silva <ana@acme.com>`: a Cloud commit's raw author, split. */
export function rawAuthor(raw: string): { name: string; email: string | undefined } {
  const m = /^(.*?)\s*<([^>]*)>\s*$/.exec(raw);
  return m ? { name: m[1] ?? '', email: m[2] } : { name: raw.trim(), email: undefined };
}
