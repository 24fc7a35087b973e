import { COMMIT_FORMAT, readCommits, type CommitInfo } from './commits.js';
import { readHeadRefs, type RefCommits } from './head-refs.js';
import { gitLines } from './run-git.js';

/**
 * Which default-branch commits a PR brought in, from the PR head refs a clone holds (`refs/pull/N/head`,
 * `refs/merge-requests/N/head`, as `ingest git --fetch-pr-refs` or a pull refspec writes them).
 *
 * A rebase merge writes each branch commit again onto the default branch: the sha and the committer change
 * (the forge's web flow, or the maintainer who rebased and pushed), but the author, the author time and the
 * message stay. So a first-parent commit whose (author email, author time, subject) is that of a commit only
 * PR N's head has belongs to PR N — whoever committed it. Without these refs a rebase merge committed by a
 * person looks exactly like a direct push (units.ts keeps to what git alone can prove). A PR head that is
 * itself on the default branch (a fast-forward) marks its own commit. A commit on several heads (stacked PRs)
 * belongs to the lowest number, the PR opened first.
 */
const US = '\x1f';

const authorKey = (c: CommitInfo) => `${c.authorEmail}${US}${c.authorTime}`;
const keyOf = (c: CommitInfo) => `${authorKey(c)}${US}${(c.message ?? '').split('\n', 1)[0]?.trim() ?? ''}`;

export interface PrHeads {
  /** (author email, author time, subject) of a commit only PR heads have → the PR it belongs to. */
  byKey: Map<string, string>;
  /** A PR head's sha → its number (the lowest, when heads share a commit). */
  numberOfHead: Map<string, string>;
  /** (author email, author time) → PR, for commits read without their message (head-refs.ts). */
  byAuthor: Map<string, string>;
}

/** Reads every PR head the clone has; empty maps when it has none. */
export async function readPrHeads(repo: string, tip: string): Promise<PrHeads> {
  const byKey = new Map<string, string>();
  const byAuthor = new Map<string, string>();
  const numberOfHead = new Map<string, string>();
  const refs = await readHeadRefs(repo);
  if (refs.byNumber.size === 0) return { byKey, numberOfHead, byAuthor };
  for (const [n, [, sha]] of refs.byNumber) {
    const known = numberOfHead.get(sha);
    if (known === undefined || Number(n) < Number(known)) numberOfHead.set(sha, n);
  }
  const claim = (map: Map<string, string>, key: string, n: string) => {
    const known = map.get(key);
    if (known === undefined || Number(n) < Number(known)) map.set(key, n);
  };
  // One walk over every head's own commits; each inherits the lowest number of the heads above it.
  const below = new Map<string, string>();
  const stdin = [...numberOfHead.keys(), `^${tip}`].join('\n') + '\n';
  const args = ['log', '--no-color', '--no-decorate', '--topo-order', `--format=${COMMIT_FORMAT}`, '--stdin'];
  // Children come before their parents (--topo-order), so each commit has its heads' numbers by then.
  await readCommits(
    gitLines(repo, args, stdin),
    () => true,
    (c) => {
      const own = numberOfHead.get(c.sha);
      const inherited = below.get(c.sha);
      const n =
        own !== undefined && (inherited === undefined || Number(own) < Number(inherited)) ? own : inherited;
      if (n === undefined) return;
      claim(byKey, keyOf(c), n);
      claim(byAuthor, authorKey(c), n);
      for (const p of c.parents) {
        const known = below.get(p);
        if (known === undefined || Number(n) < Number(known)) below.set(p, n);
      }
    },
  );
  return { byKey, numberOfHead, byAuthor };
}

/** First-parent commit sha → the number of the PR whose head carries it, for chain commits that have one. */
export function prOfChainCommits(heads: PrHeads, chain: readonly CommitInfo[]): Map<string, string> {
  const result = new Map<string, string>();
  for (const c of chain) {
    const n = heads.numberOfHead.get(c.sha) ?? heads.byKey.get(keyOf(c));
    if (n !== undefined) result.set(c.sha, n);
  }
  return result;
}

/**
 * The (author email, author time) of commits, to tell a PR head's commit from its rebased copy on the
 * default branch (head refs are read without messages; two commits of one author in one second are rare).
 */
export function commitKeys(commits: Iterable<CommitInfo>): Set<string> {
  return new Set([...commits].map(authorKey));
}

/**
 * The commits a unit's head ref adds as its own: not a copy of a commit the default branch already has (a
 * rebase merge's commits, counted once), nor a commit that belongs to another PR (the base of a stacked PR
 * is the lower PR's work). When nothing is left, the head's branch name is still kept for the session join,
 * for a unit whose open time is known already (a squash commit's is not: it needs the commits).
 */
export function ownRefCommits(
  found: RefCommits | undefined,
  unit: { ref: string | null; firstCommitAt: number | null },
  heads: PrHeads,
  landed: ReadonlySet<string>,
): RefCommits | undefined {
  if (!found) return found;
  const ref = unit.ref;
  const otherPr = (c: CommitInfo) => {
    const owner = heads.byAuthor.get(authorKey(c));
    return owner !== undefined && ref !== null && owner !== ref;
  };
  const commits = found.commits.filter((c) => !landed.has(authorKey(c)) && !otherPr(c));
  if (commits.length === found.commits.length) return found;
  // A branch name inferred from a remote-tracking branch at one of the head's commits may be the lower
  // PR's, when the head carries that PR's commits (a stacked PR): only the ref's own name is kept then.
  const inferred = found.branch !== null && !found.ref.endsWith(`/${found.branch}`);
  const branch = inferred && found.commits.some(otherPr) ? null : found.branch;
  if (commits.length === 0)
    return unit.firstCommitAt !== null && branch !== null ? { ...found, branch, commits } : undefined;
  return { ...found, branch, commits };
}
