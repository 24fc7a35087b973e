import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * The repository an agent session worked in: the normalised remote of the git checkout containing its
 * working directory (`github.com/acme/billing`), or the checkout's own path when it has no remote, or the
 * working directory itself when it no longer exists. Read from `.git/config` directly: spawning git for
 * each of hundreds of directories would cost seconds.
 */
export function repoOfCwd(cwd: string): string {
  const gitDir = findGitDir(cwd);
  if (!gitDir) return cwd;
  const remote = originUrl(gitDir.config);
  return remote ? normaliseRemote(remote) : gitDir.root;
}

/** The root of the git checkout containing `cwd`, or null when there is none (or `cwd` is gone). */
export function checkoutRoot(cwd: string): string | null {
  return findGitDir(cwd)?.root ?? null;
}

export async function resolveRepos(cwds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const cwd of cwds) out.set(cwd, repoOfCwd(cwd));
  return Promise.resolve(out);
}

function findGitDir(cwd: string): { root: string; config: string } | null {
  let dir = cwd;
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
    const url = /^url\s*=\s*(.+)$/.exec(line)?.[1];
    if (!url || !section.startsWith('remote ')) continue;
    if (section === 'remote "origin"') return url.trim();
    first ??= url.trim();
  }
  return first;
}

/** `git@github.com:acme/billing.git`, `https://user@github.com/acme/billing` → `github.com/acme/billing`. */
export function normaliseRemote(url: string): string {
  let u = url.trim();
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/)(.+)$/.exec(u);
  if (scp && !/^[a-z]+:\/\//i.test(u)) u = `${scp[1]}/${scp[2]}`;
  else u = u.replace(/^[a-z+]+:\/\//i, '').replace(/^[^@/]+@/, '');
  return u
    .replace(/:\d+\//, '/')
    .replace(/\.git\/?$/, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}
