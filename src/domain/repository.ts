import { posix } from 'node:path';

/**
 * Repository identity: ONE key per repository, computed the same way whichever source names it, so that an
 * agent session (whose repository is read from its checkout's remote), a merged unit read by `ingest git`,
 * a PR from the GitHub or GitLab API and a usage record carrying a repository all meet in one join.
 *
 * - A shared repository is `host/owner/name`, lower case (forges treat owner and name case-insensitively):
 *   `git@github.com:Acme/Billing.git`, `https://user@github.com/acme/billing/`, `ssh://git@github.com:22/acme/billing`
 *   and GitHub's `acme/billing` all become `github.com/acme/billing`. GitLab keeps its nested groups.
 * - A bare `owner/name` with no host (a usage file's `repo` column, a bundle, an OTLP attribute) is on
 *   github.com: that is what the name means on the forge most teams use, and it is decided here, from the
 *   name alone, so the key never depends on what else the store holds or on the order sources arrived in.
 *   Repositories on any other forge are written with their host (`gitlab.com/group/project`); a host-less
 *   path of three or more segments (a GitLab `group/sub/project`) is kept as written.
 * - A repository known only on this machine is its absolute path, case kept (file systems are case-sensitive):
 *   `/home/ana/src/billing`, `file:///srv/git/billing.git` → `/srv/git/billing.git`. A clone whose origin
 *   is a local path is named by that origin (see src/sources/checkout.ts), so every clone of the same local
 *   repository, and the repository itself, share a key.
 *
 * The function is idempotent (a key maps to itself), so the store applies it again to whatever a source hands in.
 */
export function repositoryKey(name: string): string | null {
  const text = name.trim();
  if (!text) return null;
  const fileUrl = /^file:\/\/(?:localhost)?(\/.*)$/i.exec(text);
  if (fileUrl) return localKey(decodeURIComponent(fileUrl[1] ?? '/'));
  if (/^[a-z]:[\\/]/i.test(text)) return localKey(text.replace(/\\/g, '/'));
  if (text.startsWith('/') || text.startsWith('~') || text.startsWith('.')) return localKey(text);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^/:]+)(?::\d*)?(?:\/(.*))?$/i.exec(text);
  if (withScheme) return remoteKey(withScheme[1] ?? '', withScheme[2] ?? '');
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/\/)(.+)$/.exec(text);
  if (scp) return remoteKey(scp[1] ?? '', scp[2] ?? '');
  // Already `host/owner/name`, or a bare `owner/name` whose host the caller did not say: GitHub's.
  const clean = cleanPath(text).toLowerCase();
  if (isBareOwnerName(clean)) return `${DEFAULT_FORGE_HOST}/${clean}`;
  return clean || null;
}

/** The host of a bare `owner/name` (see repositoryKey). */
export const DEFAULT_FORGE_HOST = 'github.com';

/** `owner/name`: two segments, the first no host (no dot, colon or port; not `localhost`). */
function isBareOwnerName(path: string): boolean {
  const parts = path.split('/');
  const [owner = '', name = ''] = parts;
  return parts.length === 2 && owner !== '' && name !== '' && !/[.:]/.test(owner) && owner !== 'localhost';
}

/** A forge's `owner/name` (GitHub) or `group/sub/project` (GitLab) on the forge at `base` (web or API URL). */
export function forgeRepositoryKey(base: string, path: string): string | null {
  const host = forgeHost(base);
  // Given in full already (a URL, or `github.com/acme/billing`): keyed as written.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path) || path.toLowerCase().startsWith(`${host}/`))
    return repositoryKey(path);
  return remoteKey(host, path);
}

/** `https://api.github.com` → `github.com`; `https://ghe.acme.com/api/v3` → `ghe.acme.com`; `gitlab.com`. */
export function forgeHost(base: string): string {
  let host: string;
  try {
    host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(base) ? base : `https://${base}`).hostname;
  } catch {
    host = base;
  }
  return host.toLowerCase().replace(/^api\./, '');
}

/**
 * The key of a repository name as a source stored it: GitHub's and GitLab's bare `owner/name` are on
 * github.com and gitlab.com unless the source said otherwise; anything else is keyed as written.
 */
export function storedRepositoryKey(name: string, source: string | null): string | null {
  const first = name.trim().split('/')[0] ?? '';
  const bare =
    !/[.:]/.test(first) &&
    first !== 'localhost' &&
    !name.trim().startsWith('/') &&
    !name.trim().startsWith('~');
  if (bare && source === 'github') return forgeRepositoryKey('github.com', name);
  if (bare && source === 'gitlab') return forgeRepositoryKey('gitlab.com', name);
  return repositoryKey(name);
}

/** Whether a key names a repository on this machine only (a path) rather than one on a shared host. */
export function isLocalRepositoryKey(key: string): boolean {
  return key.startsWith('/') || key.startsWith('~') || /^[a-z]:\//i.test(key);
}

function remoteKey(host: string, path: string): string | null {
  const clean = cleanPath(path);
  if (!host || !clean) return null;
  return `${host}/${clean}`.toLowerCase();
}

/** Drops what differs between two spellings of one remote path: slashes at either end, `.git`, a web suffix. */
function cleanPath(path: string): string {
  return (path.split('/-/')[0] ?? '')
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .replace(/\/+$/, '');
}

function localKey(path: string): string {
  const normal = posix.normalize(path);
  return normal.length > 1 ? normal.replace(/\/+$/, '') : normal;
}
