import { DIRECT_PUSH_KIND, PR_KIND, type OutcomeRecord } from '../domain/outcome.js';
import {
  declaredTrunkBased,
  isAncestor,
  openRepo,
  readMergedWork,
  type ReadPhase,
  type SkippedUnit,
} from '../sources/delivery/git/index.js';
import { fetchPrRefs, type Forge, type PrRefsFetch } from '../sources/delivery/git/pr-refs.js';
import type { Db } from '../store/db.js';
import { storeRejections } from './screen.js';
import { emptySummary, type IngestSummary } from './summary.js';

export interface GitIngestOptions {
  /** Only work merged at or after this instant. */
  since?: Date | null;
  /** Units merged this many days before a repository's tip are checked for churn (0: off). */
  reworkWindowDays: number;
  /** Ignore stored cursors and walk every repository's whole history. */
  full?: boolean;
  /** Paths excluded from effective lines (default: DEFAULT_EXCLUDED_GLOBS). */
  excludeGlobs?: readonly string[];
  /** Repositories the org file declares trunk-based (`delivery.trunk_based`). */
  trunkBased?: readonly string[];
  /**
   * Fetch every PR's head from the remote first (`--fetch-pr-refs`); `forge` overrides what the remote's
   * host says (null: from the host).
   */
  fetchPrRefs?: { forge: Forge | null; remote?: string } | null;
}

/** What `--fetch-pr-refs` did for one repository. */
export interface PrRefsSummary {
  forge: Forge;
  remote: string;
  refspec: string;
  /** PR heads the clone holds after the fetch. */
  total: number;
  /** PR heads new or moved in this fetch. */
  updated: number;
  /** Units already stored whose PR head arrived or moved: read again (a full walk) to use it. */
  reread: number;
}

export interface GitRepoSummary {
  path: string;
  /** `host/owner/name` of origin, else the folder. */
  repo: string;
  branch: string;
  /** `incremental` after a stored cursor; `full` on the first run, with --full, or after a force push. */
  walk: 'incremental' | 'full' | 'up-to-date';
  commitsWalked: number;
  /** Units read in this run: merged PRs plus direct pushes. */
  units: number;
  /** Merged PRs among them (merge, squash and rebase merges; direct pushes too in a trunk-based repository). */
  prs: number;
  /** Commits pushed straight to the default branch, outside any PR. */
  directPushes: number;
  /** Declared trunk-based in the org file: direct pushes count as delivered units. */
  trunkBased: boolean;
  /** Merged PRs with AI evidence, and merged PRs flagged as rework. */
  aiAssisted: number;
  rework: number;
  reworkChecked: number;
  /** Units left out because git could not read one of their objects (each also a problem of the summary). */
  skipped: SkippedUnit[];
  /** With `--fetch-pr-refs`. */
  prRefs?: PrRefsSummary;
}

export type GitIngestSummary = IngestSummary & {
  repositories: GitRepoSummary[];
  /** Stored units whose kind changed (the org file's trunk-based declaration changed). */
  changed?: number;
};

export type OnGitProgress = (repo: string, phase: ReadPhase, done: number, total: number) => void;

/** `fetch` events: the fetch of a repository's PR refs starts (line null), git reports progress, it ends. */
export type OnFetchProgress = (repo: string, event: 'start' | 'progress' | 'done', detail: string) => void;

/** PR numbers of the units of `repo` already stored from git. */
async function storedPrNumbers(db: Db, repo: string): Promise<Set<string>> {
  const rows = await db.query(
    `SELECT DISTINCT ref FROM outcomes WHERE source = 'git' AND repo = $repo AND ref IS NOT NULL`,
    { repo },
  );
  return new Set(rows.map((r) => String(r.ref)));
}

/** Where a repository's cursor is kept: the last first-parent commit read, and the branch it was on. */
export function cursorKey(repo: string): string {
  return `git_cursor:${repo}`;
}

interface Cursor {
  sha: string;
  branch: string;
}

function readCursor(text: string | null): Cursor | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<Cursor>;
    return typeof value.sha === 'string' && typeof value.branch === 'string'
      ? { sha: value.sha, branch: value.branch }
      : null;
  } catch {
    return null;
  }
}

/** Records are appended in batches so a large history never sits in one insert. */
const BATCH = 20_000;

async function append(db: Db, records: readonly OutcomeRecord[], summary: IngestSummary): Promise<void> {
  for (let i = 0; i < records.length; i += BATCH) {
    const result = await db.appendOutcomes(records.slice(i, i + BATCH));
    summary.written += result.written;
    summary.alreadyStored += result.alreadyStored;
    // A commit dated outside the accepted range (a wrong clock) is one rejected unit, named, never stored.
    summary.problems.push(...storeRejections(result, summary.source));
  }
}

/**
 * `mileage ingest git`: merged work on each repository's default branch, appended as pr_merged outcomes.
 * A cursor per repository (the last first-parent commit read) makes re-runs walk only new commits; when
 * the cursor is no longer in the branch's history (a force push), the whole history is read again, which
 * stores nothing twice because ids are the repository and the commit. The cursor moves only after the
 * records are stored, so a run stopped midway repeats its work rather than losing it.
 */
export async function ingestGit(
  db: Db,
  paths: readonly string[],
  options: GitIngestOptions,
  onProgress?: OnGitProgress,
  onFetch?: OnFetchProgress,
): Promise<GitIngestSummary> {
  const summary: GitIngestSummary = { ...emptySummary('git'), repositories: [] };
  // Every fetch first: a remote that cannot be reached stops the run before anything is written.
  const fetched = new Map<string, PrRefsFetch>();
  if (options.fetchPrRefs) {
    for (const path of paths) {
      const repo = await openRepo(path);
      onFetch?.(repo.identity, 'start', repo.path);
      const result = await fetchPrRefs(repo.path, {
        forge: options.fetchPrRefs.forge,
        remote: options.fetchPrRefs.remote,
        onProgress: (line) => onFetch?.(repo.identity, 'progress', line),
      });
      onFetch?.(
        repo.identity,
        'done',
        `${result.total} ${result.forge === 'github' ? 'PR' : 'MR'} heads from ${result.remote} (${result.updated.length} new or moved)`,
      );
      fetched.set(repo.path, result);
    }
  }
  for (const path of paths) {
    const repo = await openRepo(path);
    const trunkBased = declaredTrunkBased(options.trunkBased ?? [], repo);
    const stored = options.full ? null : readCursor(await db.getMeta(cursorKey(repo.identity)));
    const usable =
      stored !== null &&
      stored.branch === repo.branch &&
      (stored.sha === repo.tip || (await isAncestor(repo.path, stored.sha, repo.tip)));
    // A PR head that arrived for a unit stored earlier (squash commits, no head branch) is only used if the
    // unit is read again: then the whole history is (ids are stable, so each unit is replaced, not doubled).
    const fetch = fetched.get(repo.path);
    const storedNumbers =
      fetch && usable && fetch.updated.length > 0 ? await storedPrNumbers(db, repo.identity) : new Set();
    const stale = fetch ? fetch.updated.filter((n) => storedNumbers.has(n)) : [];
    const cursor = usable && stale.length === 0 ? stored.sha : null;
    const result =
      cursor === repo.tip
        ? { records: [], commitsWalked: 0, reworkChecked: 0, skipped: [] }
        : await readMergedWork(
            repo,
            {
              since: options.since ?? null,
              cursor,
              reworkWindowDays: options.reworkWindowDays,
              excludeGlobs: options.excludeGlobs,
              trunkBased,
            },
            (phase, done, total) => onProgress?.(repo.identity, phase, done, total),
          );
    await append(db, result.records, summary);
    // Units stored by earlier runs follow the org file as it is now (a repository declared trunk-based later).
    const reclassified = await db.setDeliveryKind(
      repo.identity,
      'direct_push',
      trunkBased ? PR_KIND : DIRECT_PUSH_KIND,
    );
    summary.changed = (summary.changed ?? 0) + reclassified;
    // An up-to-date repository writes nothing, so a no-op re-run leaves the store as it was.
    if (cursor !== repo.tip)
      await db.setMeta(cursorKey(repo.identity), JSON.stringify({ sha: repo.tip, branch: repo.branch }));
    summary.files += 1;
    summary.records += result.records.length;
    summary.repositories.push({
      path: repo.path,
      repo: repo.identity,
      branch: repo.branch,
      walk: cursor === repo.tip ? 'up-to-date' : cursor ? 'incremental' : 'full',
      commitsWalked: result.commitsWalked,
      units: result.records.length,
      prs: result.records.filter((r) => r.kind === PR_KIND).length,
      directPushes: result.records.filter((r) => r.unitKind === 'direct_push').length,
      trunkBased,
      aiAssisted: result.records.filter((r) => r.kind === PR_KIND && r.aiAssisted).length,
      rework: result.records.filter((r) => r.kind === PR_KIND && r.rework).length,
      reworkChecked: result.reworkChecked,
      skipped: result.skipped,
      ...(fetch
        ? {
            prRefs: {
              forge: fetch.forge,
              remote: fetch.remote,
              refspec: fetch.refspec,
              total: fetch.total,
              updated: fetch.updated.length,
              reread: stale.length,
            },
          }
        : {}),
    });
    for (const s of result.skipped) {
      summary.problems.push({
        file: repo.path,
        line: null,
        field: `commit ${s.commit}`,
        message: `unit skipped: git cannot read ${s.object ? `object ${s.object}` : 'an object'} of commit ${s.commit} (${s.message})`,
      });
    }
  }
  return summary;
}
