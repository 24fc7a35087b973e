import type { AiTool } from '../ai-markers.js';
import type { CommitInfo } from './commits.js';
import { parseCommitMessage, parseMergeMessage } from './messages.js';

/**
 * One unit of merged work on the default branch. The rules, in order:
 * - a first-parent commit with two or more parents is a **merge**: its work is every commit reachable from
 *   its other parents and not from its first parent (`parent1..parent2`);
 * - a single commit whose subject ends with ` (#N)` is a **squash** merge of PR N; consecutive commits that
 *   all end with the same ` (#N)` are one unit (some tools rebase-merge and suffix every commit);
 * - consecutive single commits without a PR number that share committer email and committer time to the
 *   second are one **rebase** merge (a forge, or `git am`, writes a whole branch in one go);
 * - any other single commit is its own unit (**commit**: a direct push).
 */
export type UnitKind = 'merge' | 'squash' | 'rebase' | 'commit';

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
  /** Seconds: earliest author time of the work (branch commits of a merge, else its own commits). */
  firstCommitAt: number;
  authorEmail: string;
  committerEmail: string;
  /** Commits whose markers were checked (branch commits and the unit's own commits). */
  commitsChecked: number;
  /** Commits that carried at least one AI marker, and which tools. */
  aiCommits: number;
  tools: AiTool[];
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

/** For a PR titled `Revert "…"`: the sha one of its commits names, else the reverted title. */
function revertTitle(title: string, commits: readonly CommitInfo[]): string | null {
  const quoted = /^Revert "(.*)"\s*$/.exec(title);
  if (!quoted) return null;
  const bySha = commits.find((c) => c.revertOf !== null && !c.revertOf.startsWith('"'));
  return bySha?.revertOf ?? `"${quoted[1] ?? ''}"`;
}

function mergeUnit(merge: CommitInfo, branch: CommitInfo[]): MergedUnit {
  const msg = parseMergeMessage(merge.message ?? '');
  const earliest = branch.reduce<CommitInfo | null>(
    (a, c) => (a === null || c.authorTime < a.authorTime ? c : a),
    null,
  );
  // A PR is a revert when its title says so, or when every commit it brought in is a revert.
  const branchRevert =
    branch.length > 0 && branch.every((c) => c.revertOf !== null) ? (branch[0]?.revertOf ?? null) : null;
  return {
    kind: 'merge',
    sha: merge.sha,
    base: merge.parents[0] ?? null,
    mainCommits: [merge.sha],
    ref: msg.ref,
    headBranch: msg.headBranch,
    title: msg.title,
    mergedAt: merge.committerTime,
    firstCommitAt: earliest?.authorTime ?? merge.authorTime,
    // The merge commit's author is whoever pressed the button; the work's author wrote its first commit.
    authorEmail: earliest?.authorEmail ?? merge.authorEmail,
    committerEmail: merge.committerEmail,
    ...summarise([merge, ...branch]),
    revertOf: revertTitle(msg.title, [merge, ...branch]) ?? branchRevert,
    headRef: null,
    refCommits: 0,
  };
}

function singleUnit(group: CommitInfo[]): MergedUnit {
  const first = group[0] as CommitInfo;
  const last = group[group.length - 1] as CommitInfo;
  const msg = parseCommitMessage(last.message ?? '');
  const kind: UnitKind = group.length > 1 ? 'rebase' : msg.ref !== null ? 'squash' : 'commit';
  return {
    kind,
    sha: last.sha,
    base: first.parents[0] ?? null,
    mainCommits: group.map((c) => c.sha),
    ref: msg.ref,
    headBranch: null,
    title: group.length > 1 ? parseCommitMessage(first.message ?? '').title : msg.title,
    mergedAt: last.committerTime,
    firstCommitAt: Math.min(...group.map((c) => c.authorTime)),
    authorEmail: first.authorEmail,
    committerEmail: last.committerEmail,
    ...summarise(group),
    revertOf: group.length === 1 || group.every((c) => c.revertOf !== null) ? first.revertOf : null,
    headRef: null,
    refCommits: 0,
  };
}

/** Whether `next` continues the rebase merge or PR-numbered run that `group` started. */
function sameUnit(group: readonly CommitInfo[], next: CommitInfo): boolean {
  const last = group[group.length - 1] as CommitInfo;
  const refA = parseCommitMessage(last.message ?? '').ref;
  const refB = parseCommitMessage(next.message ?? '').ref;
  if (refA !== null || refB !== null) return refA === refB;
  return last.committerEmail === next.committerEmail && last.committerTime === next.committerTime;
}

/** The merged units of a first-parent chain (oldest first), in the same order. */
export function mergedUnits(
  chain: readonly string[],
  commits: ReadonlyMap<string, CommitInfo>,
): MergedUnit[] {
  const branches = branchCommitsOfMerges(chain, commits);
  const units: MergedUnit[] = [];
  let group: CommitInfo[] = [];
  const close = () => {
    if (group.length > 0) units.push(singleUnit(group));
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
    if (group.length > 0 && !sameUnit(group, c)) close();
    group.push(c);
  }
  close();
  return units;
}
