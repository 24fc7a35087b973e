import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { repositoryKeyOfFolder } from '../sources/checkout.js';
import {
  currentEntry,
  markOfFile,
  rememberEntry,
  sameMark,
  type FileMark,
  type ManifestEntry,
} from './manifest.js';

/**
 * `ingest git`'s entry in the manifest beside the store (manifest.ts), so that a re-run with nothing new
 * answers in a few milliseconds of git instead of opening the store. Each repository is fingerprinted by
 * what decides what `ingest git` would read from it: its key (origin's remote, read from the config files),
 * every ref with its target (the default branch's tip, origin/HEAD, PR heads), and HEAD. The org file's
 * mark is kept too (its trunk-based list changes how stored units count). A run of `ingest git` that
 * ended well, after the store is closed, writes the fingerprints it took BEFORE reading: a ref that moved
 * during the run makes the next fingerprint differ, so the entry can be stale but never ahead.
 */
export interface RepoFingerprint {
  /** The folder as given, resolved. */
  path: string;
  fingerprint: string;
}

/** What the no-op answer prints per repository (GitRepoSummary of an up-to-date repository). */
export interface UpToDateRepo {
  path: string;
  repo: string;
  branch: string;
  trunkBased: boolean;
}

interface GitEntry extends ManifestEntry {
  org: FileMark | null;
  orgPath: string | null;
  repos: (RepoFingerprint & UpToDateRepo)[];
}

const SOURCE = 'git';

function git(path: string, args: string[]): string | null {
  const r = spawnSync('git', ['-c', 'core.quotePath=false', ...args], {
    cwd: path,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' },
    maxBuffer: 1 << 28,
  });
  return r.status === 0 ? r.stdout : null;
}

/** A repository's fingerprint now (one `git for-each-ref`, two when HEAD is detached); null: not a checkout. */
export function fingerprintRepo(folder: string): RepoFingerprint | null {
  const path = resolve(folder);
  // As ingest git names it (a folder with no config, such as a bare copy without one, by its path).
  const key = repositoryKeyOfFolder(path);
  const refs = git(path, ['for-each-ref', '--format=%(HEAD) %(objectname) %(refname) %(symref)']);
  if (refs === null) return null;
  // `*` marks the branch HEAD is on; without one HEAD is detached (or unborn) and is read on its own.
  const head = /^\*/m.test(refs) ? '' : (git(path, ['rev-parse', '--verify', '-q', 'HEAD']) ?? 'none');
  const fingerprint = createHash('sha256').update(`${key}\n${head}\n${refs}`).digest('hex');
  return { path, fingerprint };
}

/**
 * The up-to-date repositories of the last `ingest git` over exactly these folders, when the store, the org
 * file and every repository's refs are as that run left them; null otherwise.
 */
export function gitNothingNew(
  storePath: string,
  folders: string[],
  orgPath: string | null,
): UpToDateRepo[] | null {
  const entry = currentEntry<GitEntry>(storePath, SOURCE);
  if (!entry || !Array.isArray(entry.repos) || entry.repos.length !== folders.length) return null;
  if (entry.orgPath !== orgPath) return null;
  if (orgPath !== null) {
    const mark = markOfFile(orgPath);
    if (!mark || !sameMark(entry.org ?? undefined, mark)) return null;
  }
  const repos: UpToDateRepo[] = [];
  for (const [i, folder] of folders.entries()) {
    const known = entry.repos[i];
    const now = fingerprintRepo(folder);
    if (!known || !now || known.path !== now.path || known.fingerprint !== now.fingerprint) return null;
    repos.push({ path: known.path, repo: known.repo, branch: known.branch, trunkBased: known.trunkBased });
  }
  return repos;
}

/** What a run saw before it read anything: the org file's mark and every repository's fingerprint. */
export interface GitSnapshot {
  orgPath: string | null;
  org: FileMark | null;
  repos: RepoFingerprint[];
}

/** Null when a folder is no checkout (the run reports that itself). */
export function takeGitSnapshot(folders: string[], orgPath: string | null): GitSnapshot | null {
  const org = orgPath === null ? null : markOfFile(orgPath);
  const repos: RepoFingerprint[] = [];
  for (const folder of folders) {
    const fingerprint = fingerprintRepo(folder);
    if (!fingerprint) return null;
    repos.push(fingerprint);
  }
  return { orgPath, org, repos };
}

/** After a run that read every repository up to its tip and closed the store: `done` in folder order. */
export function rememberGitRun(storePath: string, snapshot: GitSnapshot, done: UpToDateRepo[]): void {
  if (done.length !== snapshot.repos.length) return;
  if (snapshot.repos.some((r, i) => done[i]?.path !== r.path)) return;
  const repos = snapshot.repos.map((r, i) => {
    const { repo, branch, trunkBased } = done[i] as UpToDateRepo;
    return { ...r, repo, branch, trunkBased };
  });
  rememberEntry<GitEntry>(storePath, SOURCE, { org: snapshot.org, orgPath: snapshot.orgPath, repos });
}
