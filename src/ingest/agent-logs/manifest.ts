import { statSync, type Stats } from 'node:fs';
import {
  currentEntry,
  markOf,
  rememberEntry,
  sameMark,
  type FileMark,
  type ManifestEntry,
} from '../manifest.js';
import { listLogFiles } from './ingest.js';

/**
 * An agent-log source's entry in the manifest beside the store (../manifest.ts): every log file its last
 * run read, with its size, mtime and inode at the time. A re-run that finds the same files unchanged and
 * the store untouched since has nothing to do. Anything else — a new, grown or vanished file, another
 * writer to the store, a missing or unreadable manifest — takes the full path, which decides from the
 * offsets stored in the database.
 */
interface AgentEntry extends ManifestEntry {
  roots: string[];
  files: Record<string, FileMark>;
}

/** True when the last run of this source over these roots read every file as it is now, and nothing wrote the store since. */
export function nothingNew(
  storePath: string,
  source: string,
  roots: string[],
  accept: (path: string) => boolean,
): { files: number } | null {
  const entry = currentEntry<AgentEntry>(storePath, source);
  if (!entry || !Array.isArray(entry.roots) || entry.roots.join('\n') !== roots.join('\n')) return null;
  try {
    const files = roots.flatMap((r) => listLogFiles(r, accept));
    if (files.length !== Object.keys(entry.files).length) return null;
    for (const f of files) if (!sameMark(entry.files[f], markOf(statSync(f)))) return null;
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
  const files: Record<string, FileMark> = {};
  for (const [f, s] of seen) files[f] = markOf(s);
  rememberEntry<AgentEntry>(storePath, source, { roots, files });
}
