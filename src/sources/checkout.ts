import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { repositoryKey } from '../domain/repository.js';

/**
 * The repository a folder belongs to, read the same way by agent-log ingest (a session's cwd) and by
 * `ingest git` (the folder the user named), so both name it with the same key (domain/repository.ts).
 * Read from the git config files directly: spawning git for each of hundreds of session folders would
 * cost seconds.
 */
export interface Checkout {
  /** The top folder of the working tree (or the bare repository's folder), real path. */
  root: string;
  /** The repository key: the origin's remote, else the local repository origin points at, else `root`. */
  key: string;
}

/** How many local origins are followed (a clone of a clone of …) before the last one is taken as is. */
const MAX_LOCAL_HOPS = 5;

/** The checkout containing `folder`, or null when there is none (or `folder` is gone). */
export function checkoutOf(folder: string): Checkout | null {
  return identify(folder, 0);
}

/** The repository key of a folder: its checkout's key, or (no checkout, or gone) the folder's own path. */
export function repositoryKeyOfFolder(folder: string): string {
  return checkoutOf(folder)?.key ?? repositoryKey(folder) ?? folder;
}

function identify(folder: string, hops: number): Checkout | null {
  const git = findGitDir(folder);
  if (!git) return null;
  const root = realPath(git.root);
  const origin = originUrl(git.config);
  if (origin === null) return { root, key: repositoryKey(root) ?? root };
  const local = localOrigin(origin, root);
  if (local === null) return { root, key: repositoryKey(origin) ?? root };
  // A clone of a local repository is that repository: follow the origin (its own origin may be a remote).
  const upstream = hops < MAX_LOCAL_HOPS ? identify(local, hops + 1) : null;
  return { root, key: upstream?.key ?? repositoryKey(realPath(local)) ?? local };
}

/** The absolute path an origin URL names when it is a local one (a path or a file URL), else null. */
function localOrigin(url: string, root: string): string | null {
  const file = /^file:\/\/(?:localhost)?(\/.*)$/i.exec(url);
  if (file) return decodeURIComponent(file[1] ?? '/');
  if (isAbsolute(url)) return url;
  if (url.startsWith('./') || url.startsWith('../') || url === '.' || url === '..') return resolve(root, url);
  return null;
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** The git directory's config for `folder`: a work tree's `.git` (a folder, or a file pointing at one), or a bare repository. */
function findGitDir(folder: string): { root: string; config: string } | null {
  let dir = resolve(folder);
  if (isBare(dir)) return { root: dir, config: join(dir, 'config') };
  for (;;) {
    const dotGit = join(dir, '.git');
    if (existsSync(dotGit)) {
      try {
        if (statSync(dotGit).isDirectory()) return { root: dir, config: join(dotGit, 'config') };
        // A worktree or submodule: `.git` is a file naming the real git dir, whose commondir holds config.
        const pointer = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
        if (pointer) {
          const real = isAbsolute(pointer) ? pointer : resolve(dir, pointer);
          const common = join(real, 'commondir');
          const base = existsSync(common) ? resolve(real, readFileSync(common, 'utf8').trim()) : real;
          return { root: dir, config: join(base, 'config') };
        }
      } catch {
        return null;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function isBare(dir: string): boolean {
  return (
    existsSync(join(dir, 'HEAD')) &&
    existsSync(join(dir, 'objects')) &&
    existsSync(join(dir, 'config')) &&
    !existsSync(join(dir, '.git'))
  );
}

/** The URL of remote "origin", else of the first remote; null without remotes or config. */
function originUrl(configPath: string): string | null {
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch {
    return null;
  }
  let section = '';
  let first: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1] ?? '';
      continue;
    }
    const url = /^url\s*=\s*(.+)$/
      .exec(line)?.[1]
      ?.trim()
      .replace(/^"(.*)"$/, '$1');
    if (!url || !section.startsWith('remote ')) continue;
    if (section === 'remote "origin"') return url;
    first ??= url;
  }
  return first;
}
