import { availableParallelism } from 'node:os';
import type { OutcomeRecord } from '../../../domain/outcome.js';
import { COMMIT_FORMAT, readCommits, type CommitInfo } from './commits.js';
import { changedRanges, unitSizes, type UnitHunks, type Unreadable } from './diffs.js';
import { DEFAULT_EXCLUDED_GLOBS, excludedPaths } from './effective-paths.js';
import { commitsFromHeadRefs, withRefCommits } from './head-refs.js';
import { unquotePath } from './numstat.js';
import { commitKeys, ownRefCommits, prOfChainCommits, readPrHeads } from './pr-heads.js';
import { outcomeOfUnit } from './record.js';
import type { RepoInfo } from './repo.js';
import { churnExcluded, measureChurn, REWORK_LIMITS, YOUNG_DAYS, type ReworkLimits } from './rework.js';
import { gitLines, gitOutput } from './run-git.js';
import { mergedUnits, type MergedUnit } from './units.js';

export { DEFAULT_EXCLUDED_GLOBS } from './effective-paths.js';
export { declaredTrunkBased, isAncestor, normaliseRemoteUrl, openRepo, type RepoInfo } from './repo.js';
export { REWORK_LIMITS, YOUNG_DAYS } from './rework.js';
export { SOURCE as GIT_SOURCE } from './record.js';

export interface ReadOptions {
  /** Only work merged at or after this instant. */
  since?: Date | null;
  /** The last first-parent commit already read: only commits after it are walked. Null: full walk. */
  cursor?: string | null;
  /** Units merged within this many days before the tip are checked for churn; 0 turns churn off. */
  reworkWindowDays: number;
  /** Paths excluded from effective lines (default DEFAULT_EXCLUDED_GLOBS). */
  excludeGlobs?: readonly string[];
  /** git processes run side by side for diffs (default: the machine's parallelism, at most 4). */
  processes?: number;
  limits?: ReworkLimits;
  /** The repository delivers in commits (org file `delivery.trunk_based`): direct pushes are merged work. */
  trunkBased?: boolean;
}

export type ReadPhase = 'history' | 'sizes' | 'rework';
export type OnReadProgress = (phase: ReadPhase, done: number, total: number) => void;

export interface ReadResult {
  records: OutcomeRecord[];
  /** First-parent commits walked. */
  commitsWalked: number;
  /** Units checked for churn (blame). */
  reworkChecked: number;
  /** Units left out because git could not read one of their objects: the unit's commit and git's message. */
  skipped: SkippedUnit[];
}

export interface SkippedUnit {
  commit: string;
  /** The object git could not read, when its message names one. */
  object: string | null;
  message: string;
}

const YOUNG_SECONDS = YOUNG_DAYS * 86_400;

/**
 * `recent(path, i)`: whether a unit before `units[i]` and merged in the YOUNG_DAYS before it touched `path`.
 * Work behind a cursor was not read in this run: `behind` holds, for the paths the first-parent commits just
 * behind the boundary touched, when they last did (seconds).
 */
function recentTouches(
  units: readonly MergedUnit[],
  hunks: ReadonlyMap<string, UnitHunks>,
  behind: ReadonlyMap<string, number>,
): (path: string, index: number) => boolean {
  const byPath = new Map<string, number[]>();
  units.forEach((u, i) => {
    for (const p of hunks.get(u.sha)?.paths ?? []) {
      const list = byPath.get(p);
      if (list) list.push(i);
      else byPath.set(p, [i]);
    }
  });
  return (path, index) => {
    const unit = units[index];
    if (!unit) return true;
    const start = unit.mergedAt - YOUNG_SECONDS;
    if ((behind.get(path) ?? -Infinity) >= start) return true;
    return (byPath.get(path) ?? []).some((j) => j < index && (units[j]?.mergedAt ?? 0) >= start);
  };
}

/**
 * Paths the default branch's first-parent commits changed in the YOUNG_DAYS up to `boundary` (a cursor or the
 * commit before `--since`), with the last time each was changed: one `git log` over a few weeks of history.
 * Renames are off so both the old and the new name of a moved file are listed.
 */
async function touchedBehind(repo: string, boundary: string): Promise<Map<string, number>> {
  const touched = new Map<string, number>();
  const tip = Number((await gitOutput(repo, ['show', '-s', '--format=%ct', boundary]))?.trim());
  if (!Number.isFinite(tip)) return touched;
  const args = [
    'log',
    '--first-parent',
    '--diff-merges=first-parent',
    '--no-renames',
    '--name-only',
    '--format=%x00%ct',
    `--since=@${tip - YOUNG_SECONDS}`,
    boundary,
  ];
  let time = 0;
  for await (const line of gitLines(repo, args)) {
    if (line.startsWith('\0')) time = Number(line.slice(1));
    else if (line !== '') {
      const path = line.startsWith('"') ? unquotePath(line) : line;
      if (!touched.has(path)) touched.set(path, time);
    }
  }
  return touched;
}

/** The default branch's first-parent chain after `exclude`, oldest first, with each commit's first parent. */
async function firstParentChain(
  repo: RepoInfo,
  exclude: string | null,
  since: Date | null,
): Promise<{ sha: string; parent: string | null }[]> {
  const args = ['rev-list', '--first-parent', '--parents'];
  if (since) args.push(`--since=@${Math.floor(since.getTime() / 1000)}`);
  args.push(repo.tip);
  if (exclude) args.push(`^${exclude}`);
  const chain: { sha: string; parent: string | null }[] = [];
  for await (const line of gitLines(repo.path, args)) {
    const [sha, parent] = line.split(' ');
    if (sha) chain.push({ sha, parent: parent ?? null });
  }
  return chain.reverse();
}

/**
 * Merged work on a repository's default branch as outcome records (see units.ts for what one unit is).
 * Git runs as a few streamed processes: the first-parent chain, every commit after the cursor with its
 * message (markers are read as it streams; only default-branch messages are kept), the numstat of each
 * unit, and for the rework window the changed hunks and their blames.
 */
export async function readMergedWork(
  repo: RepoInfo,
  options: ReadOptions,
  onProgress?: OnReadProgress,
): Promise<ReadResult> {
  const since = options.since ?? null;
  const chain = await firstParentChain(repo, options.cursor ?? null, since);
  if (chain.length === 0) return { records: [], commitsWalked: 0, reworkChecked: 0, skipped: [] };
  // Commits behind the cursor, or behind the oldest first-parent commit in --since, were claimed already.
  const boundary = options.cursor ?? (since ? (chain[0]?.parent ?? null) : null);
  const onChain = new Set(chain.map((c) => c.sha));
  const commits = new Map<string, CommitInfo>();
  const logArgs = ['log', '--no-color', '--no-decorate', `--format=${COMMIT_FORMAT}`, repo.tip];
  if (boundary) logArgs.push(`^${boundary}`);
  await readCommits(
    gitLines(repo.path, logArgs),
    (sha) => onChain.has(sha),
    (c) => {
      commits.set(c.sha, c);
      if (commits.size % 5000 === 0) onProgress?.('history', commits.size, 0);
    },
  );
  // Rebase merges committed by a person are told from direct pushes only by the PR heads, when fetched.
  const chainCommits = chain.map((c) => commits.get(c.sha)).filter((c): c is CommitInfo => c !== undefined);
  const heads = await readPrHeads(repo.path, repo.tip);
  const prOf = prOfChainCommits(heads, chainCommits);
  const landed = heads.byKey.size > 0 ? commitKeys(chainCommits) : new Set<string>();
  const merged = mergedUnits(
    chain.map((c) => c.sha),
    commits,
    prOf,
  ).filter((u) => since === null || u.mergedAt * 1000 >= since.getTime());
  commits.clear();
  // Squash merges keep one commit on the branch: their PR's own commits come from local head refs if any.
  const fromRefs = await commitsFromHeadRefs(repo.path, repo.tip, merged);
  const units = merged.map((u) => withRefCommits(u, ownRefCommits(fromRefs.get(u.sha), u, heads, landed)));

  const excluded = excludedPaths(options.excludeGlobs ?? DEFAULT_EXCLUDED_GLOBS);
  const processes = options.processes ?? Math.min(4, availableParallelism());
  let sized = 0;
  const unreadable: Unreadable = new Map();
  const sizing = unitSizes(
    repo.path,
    units,
    excluded,
    processes,
    () => onProgress?.('sizes', ++sized, units.length),
    unreadable,
  );
  // Churn runs beside sizing: its own patch stream covers the window and the YOUNG_DAYS before it, whose
  // touched paths tell which files can hold young lines at all.
  const windowStart = repo.tipTime - options.reworkWindowDays * 86_400;
  const reworkOn = options.reworkWindowDays > 0;
  const measuring = (async () => {
    const patched = reworkOn ? units.filter((u) => u.mergedAt >= windowStart - YOUNG_SECONDS) : [];
    const hunks = await changedRanges(repo.path, patched, churnExcluded(excluded), unreadable);
    const behind =
      reworkOn && boundary ? await touchedBehind(repo.path, boundary) : new Map<string, number>();
    const recent = recentTouches(units, hunks, behind);
    const churnUnits = units
      .map((u, index) => ({ u, index }))
      .filter(({ u }) => reworkOn && u.mergedAt >= windowStart && u.revertOf === null && u.base !== null)
      .map(({ u, index }) => ({ ...u, mayBeYoung: (path: string) => recent(path, index) }));
    let blamed = 0;
    const churn = await measureChurn(repo.path, churnUnits, hunks, options.limits ?? REWORK_LIMITS, () =>
      onProgress?.('rework', ++blamed, churnUnits.length),
    );
    const withChanged = new Map(
      [...churn].map(([sha, c]) => [sha, { ...c, changed: hunks.get(sha)?.changed ?? 0 }]),
    );
    return { churn: withChanged, checked: churnUnits.length };
  })();
  const [sizes, { churn, checked }] = await Promise.all([sizing, measuring]);
  // PR numbers → merge time, for "fixes #N" in a later unit (regression fixes of recent PRs).
  const recentPrs = new Map(
    units.filter((u) => u.ref !== null && u.kind !== 'direct_push').map((u) => [u.ref as string, u.mergedAt]),
  );
  // One unreadable object costs its unit only: the others are stored and the cursor moves past it.
  const skipped = units
    .filter((u) => unreadable.has(u.sha))
    .map((u) => {
      const message = unreadable.get(u.sha) ?? '';
      return {
        commit: u.sha,
        object: /\b([0-9a-f]{40}(?:[0-9a-f]{24})?)\b/.exec(message)?.[1] ?? null,
        message,
      };
    });
  return {
    skipped,
    records: units
      .filter((u) => !unreadable.has(u.sha))
      .map((u) =>
        outcomeOfUnit(
          repo.identity,
          u,
          sizes.get(u.sha),
          churn.get(u.sha),
          recentPrs,
          options.trunkBased === true,
        ),
      ),
    commitsWalked: chain.length,
    reworkChecked: checked,
  };
}
