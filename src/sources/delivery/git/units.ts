import type { AiTool } from '../ai-markers.js';
import type { CommitInfo } from './commits.js';
import { parseCommitMessage, parseMergeMessage, revertOfTitle } from './messages.js';
import { fixedRefs } from './rework-rule.js';

/**
 * One unit of merged work on the default branch. The rules, in order:
 * - a first-parent commit with two or more parents is a **merge**: its work is every commit reachable from
 *   its other parents and not from its first parent (`parent1..parent2`);
 * - consecutive single commits the forge wrote in one go — committer `noreply@github.com` and the same
 *   committer second, as GitHub's rebase merge writes a whole branch — are one **rebase** merge, even when
 *   only the last commit carries the PR number (` (#N)`); consecutive commits with the same number are one
 *   unit too (tools that suffix every commit); two different numbers never share a unit. A person's local
 *   rebase pushed in one go is no evidence of a PR: its commits are direct pushes;
 * - a single commit whose subject ends with ` (#N)` (or that names a GitLab merge request) is a **squash**
 *   merge of PR N;
 * - a single commit the forge itself committed (committer `noreply@github.com`, GitHub's web flow) for an
 *   author who is not the forge is a one-commit **rebase** merge;
 * - when the clone holds PR head refs (pr-heads.ts), a commit that PR N's head carries (same author, author
 *   time and subject) is part of PR N whoever committed it — a maintainer's rebase and push included — and
 *   consecutive commits of one PR are one **rebase** merge (numbered N); commits of two PRs never share one;
 * - any other single commit is a **direct_push**: delivered, but no PR.
 */
export type UnitKind = 'merge' | 'squash' | 'rebase' | 'direct_push';

/** Committers that mean "the forge wrote this commit onto the branch" (a merge button, not a push). */
const FORGE_COMMITTERS = /^noreply@github\.com$/i;

export interface MergedUnit {
  kind: UnitKind;
  /** The last first-parent commit of the unit: the merge commit, the squash commit, the last rebased one. */
  sha: string;
  /** The commit the unit's change is measured against: first parent of its first commit (null for a root). */
  base: string | null;
  /** The unit's own commits on the default branch, oldest first. */
  mainCommits: string[];
  ref: string | null;
  headBranch: string | null;
  /** Read for ticket keys, category and reverts; never stored. */
  title: string;
  /** Seconds: committer time of the last commit. */
  mergedAt: number;
  /**
   * Seconds: when the work began, from the best evidence git has — the earliest author time of a merge's
   * branch commits, of a rebase merge's commits, of a direct push, or of a squash PR's commits read from its
   * head ref. Null when there is none: a squash commit's own author time is set by the forge at merge time.
   */
  firstCommitAt: number | null;
  authorEmail: string;
  committerEmail: string;
  /** Commits of the work whose markers were checked (a merge's branch commits, never the merge itself). */
  commitsChecked: number;
  /** Commits that carried at least one AI marker, and which tools. */
  aiCommits: number;
  tools: AiTool[];
  /** PR (or issue) numbers the unit says it fixes or follows up on (rework-rule.ts keeps recent PRs). */
  fixes: string[];
  /** What the unit reverts, or null. */
  revertOf: string | null;
  /** Ticket keys its commits close (`Fixes BILL-7`), each once. */
  closes: string[];
  /** The local ref its branch commits were also read from (head-refs.ts), and how many it added. */
  headRef: string | null;
  refCommits: number;
}

/**
 * For each merge commit on the first-parent chain, the commits it brought in. The chain is walked oldest
 * first and each merge claims the commits reachable from its other parents that no earlier first-parent
 * commit claimed: by then everything reachable from its first parent is claimed, so what remains is
 * exactly `parent1..parent2`. Linear in the number of commits; commits absent from `commits` (behind the
 * cursor) end the walk.
 */
export function branchCommitsOfMerges(
  chain: readonly string[],
  commits: ReadonlyMap<string, CommitInfo>,
): Map<string, CommitInfo[]> {
  const claimed = new Set<string>();
  const result = new Map<string, CommitInfo[]>();
  for (const sha of chain) {
    claimed.add(sha);
    const parents = commits.get(sha)?.parents ?? [];
    if (parents.length < 2) continue;
    const mine: CommitInfo[] = [];
    const stack = parents.slice(1);
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (claimed.has(next)) continue;
      const c = commits.get(next);
      if (!c) continue;
      claimed.add(next);
      mine.push(c);
      for (const p of c.parents) if (!claimed.has(p)) stack.push(p);
    }
    result.set(sha, mine);
  }
  return result;
}

export function summarise(
  checked: readonly CommitInfo[],
): Pick<MergedUnit, 'commitsChecked' | 'aiCommits' | 'tools' | 'closes'> {
  const tools = new Set<AiTool>();
  const closes = new Set<string>();
  let aiCommits = 0;
  for (const c of checked) {
    if (c.tools.length > 0) aiCommits += 1;
    for (const t of c.tools) tools.add(t);
    for (const k of c.closes) closes.add(k);
  }
  return { commitsChecked: checked.length, aiCommits, tools: [...tools], closes: [...closes] };
}

/**
 * What a unit reverts: the PR title's target when the title is a revert (a sha named by one of its commits
 * is preferred to the quoted title), else the target of its commits when every one of them is a revert.
 */
function unitRevert(title: string, commits: readonly CommitInfo[]): string | null {
  const titled = revertOfTitle(title);
  if (titled !== null) {
    const bySha = commits.find((c) => c.revertOf !== null && !c.revertOf.startsWith('"'));
    return bySha?.revertOf ?? titled;
  }
  return commits.length > 0 && commits.every((c) => c.revertOf !== null)
    ? (commits[0]?.revertOf ?? null)
    : null;
}

function mergeUnit(merge: CommitInfo, branch: CommitInfo[]): MergedUnit {
  const msg = parseMergeMessage(merge.message ?? '');
  const earliest = branch.reduce<CommitInfo | null>(
    (a, c) => (a === null || c.authorTime < a.authorTime ? c : a),
    null,
  );
  // Markers on the merge commit itself still count as evidence, but the commit is no work of the PR.
  const checked = summarise(branch.length > 0 ? branch : [merge]);
  return {
    kind: 'merge',
    sha: merge.sha,
    base: merge.parents[0] ?? null,
    mainCommits: [merge.sha],
    ref: msg.ref,
    headBranch: msg.headBranch,
    title: msg.title,
    mergedAt: merge.committerTime,
    firstCommitAt: earliest?.authorTime ?? null,
    // The merge commit's author is whoever pressed the button; the work's author wrote its first commit.
    authorEmail: earliest?.authorEmail ?? merge.authorEmail,
    committerEmail: merge.committerEmail,
    ...checked,
    tools: [...new Set([...checked.tools, ...merge.tools])],
    fixes: fixedRefs(`${msg.title}\n${merge.message ?? ''}`),
    revertOf: unitRevert(msg.title, branch),
    headRef: null,
    refCommits: 0,
  };
}

function refOf(c: CommitInfo): string | null {
  return parseCommitMessage(c.message ?? '').ref;
}

function singleKind(group: readonly CommitInfo[], ref: string | null, fromHead: boolean): UnitKind {
  if (group.length > 1 || fromHead) return 'rebase';
  if (ref !== null) return 'squash';
  const only = group[0] as CommitInfo;
  return FORGE_COMMITTERS.test(only.committerEmail) && !FORGE_COMMITTERS.test(only.authorEmail)
    ? 'rebase'
    : 'direct_push';
}

function singleUnit(group: CommitInfo[], prOf: ReadonlyMap<string, string>): MergedUnit {
  const first = group[0] as CommitInfo;
  const last = group[group.length - 1] as CommitInfo;
  // A PR head names the PR for certain; else the number may sit on any commit of a rebase merge (often only
  // the last): the last one written wins. A subject's ` (#N)` on a rebased commit may name an issue.
  const fromHead = prOf.get(last.sha) ?? null;
  const ref =
    fromHead ??
    [...group]
      .reverse()
      .map(refOf)
      .find((r) => r !== null) ??
    null;
  const kind = singleKind(group, ref, fromHead !== null);
  const title = parseCommitMessage((group.length > 1 ? first : last).message ?? '').title;
  return {
    kind,
    sha: last.sha,
    base: first.parents[0] ?? null,
    mainCommits: group.map((c) => c.sha),
    ref,
    headBranch: null,
    title,
    mergedAt: last.committerTime,
    // A squash commit's author time is the forge's merge time, not when the work began.
    firstCommitAt: kind === 'squash' ? null : Math.min(...group.map((c) => c.authorTime)),
    authorEmail: first.authorEmail,
    committerEmail: last.committerEmail,
    ...summarise(group),
    fixes: fixedRefs(group.map((c) => c.message ?? '').join('\n')).filter((n) => n !== ref),
    revertOf: unitRevert(parseCommitMessage(last.message ?? '').title, group),
    headRef: null,
    refCommits: 0,
  };
}

/** Whether `next` continues the rebase merge or PR-numbered run that `group` started. */
function sameUnit(
  group: readonly CommitInfo[],
  next: CommitInfo,
  prOf: ReadonlyMap<string, string>,
): boolean {
  const last = group[group.length - 1] as CommitInfo;
  // PR heads, when the clone has them, say which PR each commit came from: nothing else is needed.
  const lastPr = prOf.get(last.sha);
  const nextPr = prOf.get(next.sha);
  if (lastPr !== undefined || nextPr !== undefined) return lastPr === nextPr;
  const groupRef = group.map(refOf).find((r) => r !== null) ?? null;
  const nextRef = refOf(next);
  // Two numbers are two PRs; one number on consecutive commits is one PR (tools that suffix every commit).
  if (groupRef !== null && nextRef !== null) return groupRef === nextRef;
  // A numbered commit closes its unit: what follows it in the same second belongs to another merge.
  if (groupRef !== null && refOf(last) !== null) return false;
  // Commits written in one go by the forge are one rebase merge. The same done by a person (a local rebase,
  // then a push) carries no evidence of a PR: each commit is a direct push of its own.
  return (
    FORGE_COMMITTERS.test(next.committerEmail) &&
    last.committerEmail === next.committerEmail &&
    last.committerTime === next.committerTime
  );
}

/**
 * The merged units of a first-parent chain (oldest first), in the same order. `prOf` maps first-parent
 * commits to the PR whose head carries them (pr-heads.ts; empty when the clone has no PR refs).
 */
export function mergedUnits(
  chain: readonly string[],
  commits: ReadonlyMap<string, CommitInfo>,
  prOf: ReadonlyMap<string, string> = new Map(),
): MergedUnit[] {
  const branches = branchCommitsOfMerges(chain, commits);
  const units: MergedUnit[] = [];
  let group: CommitInfo[] = [];
  const close = () => {
    if (group.length > 0) units.push(singleUnit(group, prOf));
    group = [];
  };
  for (const sha of chain) {
    const c = commits.get(sha);
    if (!c) continue;
    if (c.parents.length >= 2) {
      close();
      units.push(mergeUnit(c, branches.get(sha) ?? []));
      continue;
    }
    if (group.length > 0 && !sameUnit(group, c, prOf)) close();
    group.push(c);
  }
  close();
  return dropBranchInternalReverts(units, branches, commits);
}

/**
 * A `This reverts commit <sha>` line under a title that is no revert (a squash message lists the branch's
 * commit messages) reverts merged work only when the sha belongs to an earlier unit: a revert of the PR's
 * own work in progress is no rework. A sha this walk never read (behind the cursor) is taken at its word.
 */
function dropBranchInternalReverts(
  units: MergedUnit[],
  branches: ReadonlyMap<string, CommitInfo[]>,
  commits: ReadonlyMap<string, CommitInfo>,
): MergedUnit[] {
  const unitOf = new Map<string, number>();
  units.forEach((u, i) => {
    for (const sha of u.mainCommits) unitOf.set(sha, i);
    for (const c of branches.get(u.sha) ?? []) unitOf.set(c.sha, i);
  });
  const resolve = (target: string) =>
    target.length >= 40 ? target : ([...commits.keys()].find((sha) => sha.startsWith(target)) ?? null);
  return units.map((u, i) => {
    const target = u.revertOf;
    if (target === null || !/^[0-9a-f]+$/.test(target) || revertOfTitle(u.title) !== null) return u;
    const sha = resolve(target);
    // A squash or merge message quoting a sha the default branch never had: a revert inside the branch.
    if (sha === null || !commits.has(sha))
      return u.kind === 'squash' || u.kind === 'merge' ? { ...u, revertOf: null } : u;
    const owner = unitOf.get(sha);
    return owner !== undefined && owner < i ? u : { ...u, revertOf: null };
  });
}
