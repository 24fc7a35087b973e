import { readdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../domain/parse-result.js';

/**
 * Every accepted file under `root`, following symbolic links to files and folders (agent-log folders are
 * often links: a synced ~/.claude, a projects folder on another disk). A folder is read once however many
 * links reach it (a link back to a parent is a loop, not a reason to read forever), a file once however many
 * paths name it; whatever is left out is said, with why: a dangling link, a loop, a folder that cannot be
 * read, something that is neither a file nor a folder. Node's `readdir({ recursive })` with `isFile()`
 * skipped every link without a word.
 */
export function walkFiles(
  root: string,
  accept: (path: string) => boolean,
): { files: string[]; skipped: Problem[] } {
  const files: string[] = [];
  const skipped: Problem[] = [];
  const seenDirs = new Map<string, string>();
  const seenFiles = new Set<string>();
  const linkedFiles: { path: string; stat: Stats }[] = [];
  const skip = (file: string, message: string) => skipped.push({ file, line: null, field: null, message });
  const key = (s: Stats) => `${s.dev}:${s.ino}`;

  const visit = (path: string, stat: Stats, viaLink: boolean): void => {
    if (stat.isFile()) {
      if (!accept(path)) return;
      // A linked file is taken after the walk, so that a file's own path wins over a link to it.
      if (viaLink) linkedFiles.push({ path, stat });
      else if (!seenFiles.has(key(stat))) {
        seenFiles.add(key(stat));
        files.push(path);
      }
      return;
    }
    if (!stat.isDirectory()) {
      if (viaLink && accept(path)) skip(path, 'skipped: the link points to neither a file nor a folder');
      return;
    }
    const earlier = seenDirs.get(key(stat));
    if (earlier !== undefined) {
      skip(path, `skipped: a link to a folder already read (${earlier}), a loop or a second path to it`);
      return;
    }
    seenDirs.set(key(stat), path);
    let entries;
    try {
      entries = readdirSync(path, { withFileTypes: true });
    } catch (cause) {
      skip(path, `skipped: the folder cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`);
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const child = join(path, entry.name);
      if (entry.isSymbolicLink()) {
        let target: Stats;
        try {
          target = statSync(child);
        } catch (cause) {
          const code = (cause as NodeJS.ErrnoException).code;
          const why =
            code === 'ELOOP'
              ? 'a loop of links'
              : code === 'ENOENT'
                ? 'its target does not exist'
                : (code ?? 'error');
          skip(child, `skipped: a link that cannot be followed (${why})`);
          continue;
        }
        // The walk keeps the link's path, so a linked file keeps its stored read state from run to run.
        visit(child, target, true);
      } else if (entry.isFile() || entry.isDirectory()) {
        let stat: Stats;
        try {
          stat = statSync(child);
        } catch (cause) {
          skip(child, `skipped: cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`);
          continue;
        }
        visit(child, stat, false);
      }
    }
  };

  const rootStat = statSync(root);
  visit(root, rootStat, false);
  for (const { path, stat } of linkedFiles) {
    if (seenFiles.has(key(stat))) skip(path, 'skipped: a link to a file already read under another path');
    else {
      seenFiles.add(key(stat));
      files.push(path);
    }
  }
  return { files: files.sort(), skipped };
}
