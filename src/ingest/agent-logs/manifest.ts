import { readFileSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { listLogFiles } from './ingest.js';

/**
 * A small file beside the store naming, per agent-log source, every log file it has read and its size,
 * mtime and inode at the time, plus the store file's own size, mtime and inode after that run. A re-run
 * that finds the same files unchanged and the store untouched since has nothing to do, and can say so
 * without loading the database driver (a third of a second on its own). Anything else — a new, grown or
 * vanished file, another writer to the store, a missing or unreadable manifest — takes the full path,
 * which decides from the offsets stored in the database. The manifest is only ever a shortcut.
 */
interface FileMark {
  size: number;
  mtimeMs: number;
  inode: string;
}

interface Manifest {
  store: FileMark;
  sources: Record<string, { roots: string[]; files: Record<string, FileMark> }>;
}

export const manifestPath = (storePath: string) => `${storePath}.logs.json`;

const mark = (s: Stats): FileMark => ({ size: s.size, mtimeMs: s.mtimeMs, inode: `${s.dev}:${s.ino}` });
const same = (a: FileMark | undefined, b: FileMark) =>
  a !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs && a.inode === b.inode;

function read(storePath: string): Manifest | null {
  try {
    return JSON.parse(readFileSync(manifestPath(storePath), 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

/** True when the last run of this source over these roots read every file as it is now, and nothing wrote the store since. */
export function nothingNew(
  storePath: string,
  source: string,
  roots: string[],
  accept: (path: string) => boolean,
): { files: number } | null {
  if (storePath === ':memory:') return null;
  const m = read(storePath);
  const entry = m?.sources[source];
  if (!m || !entry || entry.roots.join('\n') !== roots.join('\n')) return null;
  try {
    if (!same(m.store, mark(statSync(storePath)))) return null;
    const files = roots.flatMap((r) => listLogFiles(r, accept));
    if (files.length !== Object.keys(entry.files).length) return null;
    for (const f of files) if (!same(entry.files[f], mark(statSync(f)))) return null;
    return { files: files.length };
  } catch {
    return null;
  }
}

/**
 * After a run has committed and the store is closed: remember what was read, with each file's stat as the
 * run saw it (a file that grew during the run must look changed next time).
 */
export function rememberRun(
  storePath: string,
  source: string,
  roots: string[],
  seen: Map<string, Stats>,
): void {
  if (storePath === ':memory:') return;
  try {
    const m = read(storePath) ?? { store: mark(statSync(storePath)), sources: {} };
    const marks: Record<string, FileMark> = {};
    for (const [f, s] of seen) marks[f] = mark(s);
    m.sources[source] = { roots, files: marks };
    m.store = mark(statSync(storePath));
    writeFileSync(manifestPath(storePath), JSON.stringify(m));
  } catch {
    // A shortcut only: without it the next run takes the full path.
  }
}
