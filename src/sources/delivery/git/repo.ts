import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MileageError } from '../../../domain/errors.js';
import { isLocalRepositoryKey, repositoryKey } from '../../../domain/repository.js';
import { checkoutOf, repositoryKeyOfFolder } from '../../checkout.js';
import { gitOutput } from './run-git.js';

/**
 * A remote URL as its repository key (domain/repository.ts): `host/owner/name`, the same for every way of
 * writing it. Null for local paths and file URLs, which name no shared repository.
 */
export function normaliseRemoteUrl(url: string): string | null {
  const key = repositoryKey(url);
  return key === null || isLocalRepositoryKey(key) ? null : key;
}

export interface RepoInfo {
  /** The folder the user named, resolved. */
  path: string;
  /** The repository key (src/sources/checkout.ts): origin's `host/owner/name`, the local repository origin is, or the folder. */
  identity: string;
  /** The ref whose first-parent history is read (`refs/remotes/origin/main`, `refs/heads/master`, `HEAD`). */
  branch: string;
  tip: string;
  /** Committer time of the tip (seconds): the end of the rework window. */
  tipTime: number;
}

async function verify(path: string, ref: string): Promise<string | null> {
  const sha = await gitOutput(path, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  return sha?.trim() || null;
}

/**
 * The default branch: what origin/HEAD points at, else main or master (local, then origin's), else HEAD.
 */
export async function defaultBranch(path: string): Promise<{ branch: string; tip: string } | null> {
  const originHead = (await gitOutput(path, ['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD']))?.trim();
  const candidates = [
    ...(originHead ? [originHead] : []),
    'refs/heads/main',
    'refs/heads/master',
    'refs/remotes/origin/main',
    'refs/remotes/origin/master',
    'HEAD',
  ];
  for (const branch of candidates) {
    const tip = await verify(path, branch);
    if (tip) return { branch, tip };
  }
  return null;
}

/** Opens a repository: its identity, default branch and tip. A folder that is no repository is an input error. */
export async function openRepo(folder: string): Promise<RepoInfo> {
  const path = resolve(folder);
  // git runs inside the folder: a file (or nothing) there would fail the spawn itself, not git.
  const isFolder = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  const gitDir = isFolder ? await gitOutput(path, ['rev-parse', '--absolute-git-dir']) : null;
  if (gitDir === null) {
    throw new MileageError(
      'input',
      `${path} is not a git repository (or git is not installed)`,
      'Pass the folder of a clone: `mileage ingest git PATH`.',
    );
  }
  const top = (await gitOutput(path, ['rev-parse', '--show-toplevel']))?.trim();
  // Read as agent-log ingest reads a session's folder, so sessions and merged units name it alike.
  const identity = checkoutOf(top || gitDir.trim())?.key ?? repositoryKeyOfFolder(top || gitDir.trim());
  const head = await defaultBranch(path);
  if (!head) {
    throw new MileageError('input', `${path}: the repository has no commits yet`);
  }
  const tipTime = Number((await gitOutput(path, ['show', '-s', '--format=%ct', head.tip]))?.trim());
  return { path, identity, ...head, tipTime };
}

/** Whether `ancestor` is still in the history of `tip` (false after a force push dropped it). */
export async function isAncestor(path: string, ancestor: string, tip: string): Promise<boolean> {
  if ((await verify(path, ancestor)) === null) return false;
  return (await gitOutput(path, ['merge-base', '--is-ancestor', ancestor, tip])) !== null;
}

/**
 * Whether a repository is among those the org file declares trunk-based. An entry names it as `ingest git`
 * does (`github.com/acme/billing`), by any remote URL of it, by `owner/name`, or by the path of a clone.
 */
export function declaredTrunkBased(
  entries: readonly string[],
  repo: Pick<RepoInfo, 'identity' | 'path'>,
): boolean {
  const identity = repo.identity.toLowerCase();
  return entries.some((entry) => {
    const text = entry.trim();
    const asUrl = normaliseRemoteUrl(text)?.toLowerCase();
    if (asUrl === identity || text.toLowerCase() === identity) return true;
    if (/^[^/\s]+\/[^/\s]+$/.test(text) && identity.endsWith(`/${text.toLowerCase()}`)) return true;
    const local = (text.startsWith('/') || text.startsWith('.')) && resolve(text);
    return local !== false && (local === repo.path || local === repo.identity);
  });
}
