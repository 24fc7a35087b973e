import { DEFAULT_BRANCH_NAMES } from '../../../domain/attribution.js';
import { COMMIT_FORMAT, readCommits, type CommitInfo } from './commits.js';
import { gitLines } from './run-git.js';
import { summarise, type MergedUnit } from './units.js';

/**
 * Local refs that still name a PR's head after it merged: a squash merge leaves only one commit on the
 * default branch, so the branch commits (and their AI markers) are read from these when the clone has them:
 * - `refs/pull/N/head` (GitHub, fetched with `+refs/pull/*:refs/pull/*`), `refs/remotes/<r>/pr/N` and
 *   `refs/remotes/<r>/pull/N[/head]` (the usual fetch refspecs for them);
 * - `refs/merge-requests/N/head` (GitLab) and `refs/remotes/<r>/merge-requests/N/head`;
 * - `refs/remotes/<r>/<head branch>` for units whose merge message names the branch.
 * `ingest git --fetch-pr-refs` (pr-refs.ts) fetches the numbered ones into `refs/remotes/<r>/pr/N` and
 * `refs/remotes/<r>/merge-requests/N/head`.
 */
export interface HeadRefs {
  /** PR/MR number → [ref name, sha]. */
  byNumber: Map<string, [string, string]>;
  /** Branch name → [ref name, sha] (remote-tracking branches). */
  byBranch: Map<string, [string, string]>;
  /**
   * Local branches (not the default branch's names) → [ref name, sha]: on an engineer's own clone the branch
   * a squash-merged PR came from often outlives it there, after the forge deleted it.
   */
  local: Map<string, [string, string]>;
}

const NUMBERED = [
  /^refs\/pull\/(\d+)\/head$/,
  /^refs\/merge-requests\/(\d+)\/head$/,
  /^refs\/remotes\/[^/]+\/(?:pr|pull)\/(\d+)(?:\/head)?$/,
  /^refs\/remotes\/[^/]+\/merge-requests\/(\d+)\/head$/,
];

export async function readHeadRefs(repo: string): Promise<HeadRefs> {
  const refs: HeadRefs = { byNumber: new Map(), byBranch: new Map(), local: new Map() };
  const args = [
    'for-each-ref',
    '--format=%(objectname) %(refname)',
    'refs/pull',
    'refs/merge-requests',
    'refs/remotes',
    'refs/heads',
  ];
  const defaults: readonly string[] = DEFAULT_BRANCH_NAMES;
  for await (const line of gitLines(repo, args)) {
    const space = line.indexOf(' ');
    const sha = line.slice(0, space);
    const name = line.slice(space + 1);
    const n = NUMBERED.map((re) => re.exec(name)?.[1]).find((x) => x !== undefined);
    if (n !== undefined) {
      refs.byNumber.set(n, [name, sha]);
      continue;
    }
    const local = /^refs\/heads\/(.+)$/.exec(name)?.[1];
    if (local) {
      if (!defaults.includes(local.toLowerCase())) refs.local.set(local, [name, sha]);
      continue;
    }
    const branch = /^refs\/remotes\/[^/]+\/(.+)$/.exec(name)?.[1];
    if (branch && branch !== 'HEAD') refs.byBranch.set(branch, [name, sha]);
  }
  return refs;
}

export interface RefCommits {
  ref: string;
  /** The head branch's name when a remote-tracking branch points into the PR's commits (null: unknown). */
  branch: string | null;
  /** Branch commits reachable from the ref and not from the default branch, authored before the merge. */
  commits: CommitInfo[];
}

/**
 * For each unit whose PR head is still a local ref: the commits only that ref has. One `git log` streams
 * every such commit (reachable from the heads, not from the tip); each unit then walks from its head through
 * parents within that set. Commits authored after the unit merged are left out: a branch name reused later
 * moves its ref on to other work.
 */
export async function commitsFromHeadRefs(
  repo: string,
  tip: string,
  units: readonly MergedUnit[],
): Promise<Map<string, RefCommits>> {
  const result = new Map<string, RefCommits>();
  const refs = await readHeadRefs(repo);
  if (refs.byNumber.size === 0 && refs.byBranch.size === 0) return result;
  const heads = new Map<string, [string, string]>();
  for (const u of units) {
    const found =
      (u.ref !== null ? refs.byNumber.get(u.ref) : undefined) ??
      (u.headBranch !== null ? refs.byBranch.get(u.headBranch) : undefined);
    if (found) heads.set(u.sha, found);
  }
  if (heads.size === 0) return result;
  const branchOnly = new Map<string, CommitInfo>();
  const stdin = [...new Set([...heads.values()].map(([, sha]) => sha)), `^${tip}`].join('\n') + '\n';
  await readCommits(
    gitLines(repo, ['log', '--no-color', '--no-decorate', `--format=${COMMIT_FORMAT}`, '--stdin'], stdin),
    () => false,
    (c) => branchOnly.set(c.sha, c),
  );
  for (const u of units) {
    const head = heads.get(u.sha);
    if (!head) continue;
    const mine: CommitInfo[] = [];
    const seen = new Set<string>();
    const stack = [head[1]];
    while (stack.length > 0) {
      const sha = stack.pop() as string;
      const c = seen.has(sha) ? undefined : branchOnly.get(sha);
      seen.add(sha);
      if (!c) continue;
      if (c.authorTime <= u.mergedAt) mine.push(c);
      stack.push(...c.parents);
    }
    if (mine.length > 0)
      result.set(u.sha, { ref: head[0], branch: branchOf(refs, head[0], mine), commits: mine });
  }
  return result;
}

/**
 * The name of a PR's head branch: the ref's own when it is a remote-tracking branch, else that of the one
 * branch whose tip is one of the PR's commits (`refs/pull/N/head` names no branch, but the clone often still
 * has `origin/<branch>`, or the engineer's own local branch, at the same or an earlier commit). Remote-tracking
 * branches are asked first; two different names pointing into the PR leave it unknown rather than guessed.
 */
function branchOf(refs: HeadRefs, ref: string, commits: readonly CommitInfo[]): string | null {
  const own = [...refs.byBranch].find(([, [name]]) => name === ref);
  if (own) return own[0];
  const shas = new Set(commits.map((c) => c.sha));
  for (const branches of [refs.byBranch, refs.local]) {
    const candidates = [...branches].filter(([, [, sha]]) => shas.has(sha));
    if (candidates.length === 1) return candidates[0]?.[0] ?? null;
    if (candidates.length > 1) return null;
  }
  return null;
}

/** The unit with the ref's commits added to what was checked for markers and to when the work began. */
export function withRefCommits(unit: MergedUnit, found: RefCommits | undefined): MergedUnit {
  if (!found) return unit;
  const extra = summarise(found.commits);
  // A squash commit is the forge's copy of the PR's commits: once they are read, it is no commit of its own.
  const own = unit.kind === 'squash' ? { commitsChecked: 0, aiCommits: 0 } : unit;
  return {
    ...unit,
    headBranch: unit.headBranch ?? found.branch,
    headRef: found.ref,
    refCommits: found.commits.length,
    commitsChecked: own.commitsChecked + extra.commitsChecked,
    aiCommits: own.aiCommits + extra.aiCommits,
    tools: [...new Set([...unit.tools, ...extra.tools])],
    closes: [...new Set([...unit.closes, ...extra.closes])],
    firstCommitAt: Math.min(unit.firstCommitAt ?? Infinity, ...found.commits.map((c) => c.authorTime)),
  };
}
