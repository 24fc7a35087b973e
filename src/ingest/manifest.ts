import { readFileSync, statSync, writeFileSync, type Stats } from 'node:fs';

/**
 * A small file beside the store that lets a re-run with nothing to do say so without loading the database
 * driver (a third of a second on its own) or anything else heavy. One entry per source (each agent-log
 * source, git): what that source's last run read, as it was then, and the store file's size, mtime and
 * inode right after that run closed it. An entry holds only while the store is exactly as its run left it:
 * any other writer since — another source, another version migrating the store at open, a server — moves
 * the store's mark and the next run takes the full path, which decides from what the database holds. The
 * entry is written after the store is closed, so it can only ever be older than the store, never newer: it
 * is a shortcut and never the truth.
 */
export interface FileMark {
  size: number;
  mtimeMs: number;
  inode: string;
}

export interface ManifestEntry {
  /** The store file as the run that wrote this entry left it. */
  store: FileMark;
}

interface Manifest {
  sources: Record<string, unknown>;
}

/** The name is kept from when only agent logs used it (bench/claude-code.ts removes it between runs). */
export const manifestPath = (storePath: string) => `${storePath}.logs.json`;

export const markOf = (s: Stats): FileMark => ({
  size: s.size,
  mtimeMs: s.mtimeMs,
  inode: `${s.dev}:${s.ino}`,
});

export const sameMark = (a: FileMark | undefined, b: FileMark) =>
  a !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs && a.inode === b.inode;

/** The mark of a file now, or null when it cannot be read. */
export function markOfFile(path: string): FileMark | null {
  try {
    return markOf(statSync(path));
  } catch {
    return null;
  }
}

function read(storePath: string): Manifest | null {
  try {
    const m = JSON.parse(readFileSync(manifestPath(storePath), 'utf8')) as Partial<Manifest>;
    return m && typeof m.sources === 'object' && m.sources !== null ? (m as Manifest) : null;
  } catch {
    return null;
  }
}

/**
 * A source's entry when the store is still as that source's last run left it; null otherwise (no entry,
 * an unreadable manifest, another writer since, a store in memory).
 */
export function currentEntry<T extends ManifestEntry>(storePath: string, source: string): T | null {
  if (storePath === ':memory:') return null;
  const entry = read(storePath)?.sources[source] as T | undefined;
  const now = markOfFile(storePath);
  return entry && now && sameMark(entry.store, now) ? entry : null;
}

/**
 * After a run has committed and closed the store: its entry, with the store's mark as the run left it.
 * Other sources' entries are kept; they no longer match the store and hold again after their next run.
 */
export function rememberEntry<T extends ManifestEntry>(
  storePath: string,
  source: string,
  entry: Omit<T, 'store'>,
): void {
  if (storePath === ':memory:') return;
  try {
    const m = read(storePath) ?? { sources: {} };
    m.sources[source] = { ...entry, store: markOf(statSync(storePath)) };
    writeFileSync(manifestPath(storePath), JSON.stringify(m));
  } catch {
    // A shortcut only: without it the next run takes the full path.
  }
}
