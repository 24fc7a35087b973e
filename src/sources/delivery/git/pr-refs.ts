import { spawn } from 'node:child_process';
import { MileageError } from '../../../domain/errors.js';
import { forgeHost, repositoryKey } from '../../../domain/repository.js';
import { gitLines, gitOutput } from './run-git.js';

/**
 * `ingest git --fetch-pr-refs`: the head of every PR (GitHub `refs/pull/N/head`) or merge request (GitLab
 * `refs/merge-requests/N/head`) fetched from a repository's remote into remote-tracking refs that
 * head-refs.ts reads, so squash-merged units recover their branch commits (AI markers, first commit) and,
 * where a branch of the clone points into them, their head branch. The forges keep these refs after the
 * branch is deleted; a plain clone does not fetch them.
 */
export type Forge = 'github' | 'gitlab';
export const FORGES: readonly Forge[] = ['github', 'gitlab'];

/** Where each forge keeps PR heads, and where they are written locally (`<remote>` is the remote's name). */
export function prRefspec(forge: Forge, remote: string): string {
  return forge === 'github'
    ? `+refs/pull/*/head:refs/remotes/${remote}/pr/*`
    : `+refs/merge-requests/*/head:refs/remotes/${remote}/merge-requests/*/head`;
}

/** The local prefix of the refs prRefspec writes, and the PR number of one of them. */
function localPrefix(forge: Forge, remote: string): string {
  return forge === 'github' ? `refs/remotes/${remote}/pr/` : `refs/remotes/${remote}/merge-requests/`;
}

/**
 * The forge a remote URL is on, from its host: `github.com` and GitHub Enterprise hosts named `github…`,
 * `gitlab.com` and hosts named `gitlab…`. Null when the host says neither (a local path, another forge, a
 * self-hosted one under another name): the caller names it with `--forge`.
 */
export function forgeOfRemote(url: string): Forge | null {
  const key = repositoryKey(url);
  if (key === null || key.startsWith('/') || !key.includes('/')) return null;
  const host = forgeHost(key.split('/')[0] ?? '');
  if (/(^|[.-])github([.-]|$)/.test(host)) return 'github';
  if (/(^|[.-])gitlab([.-]|$)/.test(host)) return 'gitlab';
  return null;
}

export interface PrRefsFetch {
  remote: string;
  /** The remote's URL as configured. */
  url: string;
  forge: Forge;
  refspec: string;
  /** PR/MR heads the clone holds after the fetch. */
  total: number;
  /** PR/MR numbers whose head is new or moved since before the fetch. */
  updated: string[];
}

async function localPrHeads(path: string, prefix: string): Promise<Map<string, string>> {
  const heads = new Map<string, string>();
  for await (const line of gitLines(path, ['for-each-ref', '--format=%(objectname) %(refname)', prefix])) {
    const space = line.indexOf(' ');
    const n = /^(\d+)(?:\/head)?$/.exec(line.slice(space + 1 + prefix.length))?.[1];
    if (n) heads.set(n, line.slice(0, space));
  }
  return heads;
}

/** Runs `git fetch`, passing its progress lines to `onProgress`; rejects with git's last words. */
function runFetch(path: string, args: string[], onProgress?: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: path,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let tail = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      tail = (tail + d).slice(-4096);
      for (const line of d.split(/[\r\n]+/)) if (line.trim()) onProgress?.(line.trim());
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else {
        const lines = tail.split(/[\r\n]+/).filter((l) => /^(fatal|error|remote):/i.test(l.trim()));
        reject(
          new Error(
            lines.join('; ') ||
              tail
                .trim()
                .split(/[\r\n]+/)
                .at(-1) ||
              `exit code ${code}`,
          ),
        );
      }
    });
  });
}

/**
 * Fetches the PR heads of `remote` (default origin). `forge` overrides what the remote's host says; without
 * it, a remote whose host names neither forge is a usage error that says how to name it.
 */
export async function fetchPrRefs(
  path: string,
  options: { remote?: string; forge?: Forge | null; onProgress?: (line: string) => void } = {},
): Promise<PrRefsFetch> {
  const remote = options.remote ?? 'origin';
  const url = (await gitOutput(path, ['config', '--get', `remote.${remote}.url`]))?.trim();
  if (!url) {
    throw new MileageError(
      'input',
      `${path}: no remote "${remote}" to fetch PR refs from`,
      'Add the forge as a remote (`git remote add origin URL`), or run without --fetch-pr-refs.',
    );
  }
  const forge = options.forge ?? forgeOfRemote(url);
  if (!forge) {
    throw new MileageError(
      'usage',
      `${path}: cannot tell which forge ${remote} (${url}) is, so which PR refs it keeps`,
      'Name it: `--forge github` (refs/pull/N/head) or `--forge gitlab` (refs/merge-requests/N/head).',
    );
  }
  const refspec = prRefspec(forge, remote);
  const prefix = localPrefix(forge, remote);
  const before = await localPrHeads(path, prefix);
  try {
    await runFetch(
      path,
      ['fetch', '--no-tags', '--no-write-fetch-head', '--progress', remote, refspec],
      options.onProgress,
    );
  } catch (cause) {
    throw new MileageError(
      'upstream',
      `${path}: fetching PR refs from ${remote} (${url}) failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      `Check that the remote is reachable and that you may read it (\`git fetch ${remote} '${refspec}'\` by hand shows git's own message), or run without --fetch-pr-refs to read the refs the clone already has.`,
      { cause },
    );
  }
  const after = await localPrHeads(path, prefix);
  const updated = [...after].filter(([n, sha]) => before.get(n) !== sha).map(([n]) => n);
  return { remote, url, forge, refspec, total: after.size, updated };
}
