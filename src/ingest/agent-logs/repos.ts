import { checkoutOf, repositoryKeyOfFolder } from '../../sources/checkout.js';

/**
 * The repository an agent session worked in: the repository key (domain/repository.ts) of the git checkout
 * containing its working directory, read exactly as `ingest git` reads it, or the working directory itself
 * when it is in no checkout or no longer exists.
 */
export function repoOfCwd(cwd: string): string {
  return repositoryKeyOfFolder(cwd);
}

/** The root of the git checkout containing `cwd`, or null when there is none (or `cwd` is gone). */
export function checkoutRoot(cwd: string): string | null {
  return checkoutOf(cwd)?.root ?? null;
}

export async function resolveRepos(cwds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const cwd of cwds) out.set(cwd, repoOfCwd(cwd));
  return Promise.resolve(out);
}
