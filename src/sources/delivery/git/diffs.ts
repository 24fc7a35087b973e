import { parseNumstatLine, unquotePath } from './numstat.js';
import { gitLines } from './run-git.js';

/** A unit's change: its last commit against its base (first parent of its first commit). */
export interface DiffItem {
  sha: string;
  base: string | null;
}

export interface UnitSize {
  additions: number;
  deletions: number;
  /** Every file changed, binary and excluded ones included. */
  files: number;
  /** Added plus deleted lines in files that are neither binary nor excluded. */
  effectiveLines: number;
  /** Files that are not excluded (binary ones count: they are work, just not lines). */
  effectiveFiles: number;
}

const SHA_LINE = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** `diff-tree --stdin` input: `<sha> <base>` compares the two; a root commit alone is compared with nothing. */
function stdinFor(items: readonly DiffItem[]): string {
  return items.map((i) => (i.base ? `${i.sha} ${i.base}\n` : `${i.sha}\n`)).join('');
}

/** Units git could not read (a missing or corrupt object): sha → git's message, which names the object. */
export type Unreadable = Map<string, string>;

/**
 * Runs `read` over `items` in one git process; when git fails part-way (an object it cannot read), the unit
 * it was on is read again alone and the units after it together, so one bad object costs one unit: a unit
 * that fails alone is reported in `unreadable` and its partial result dropped by `forget`. `read` reports
 * each unit's sha as it starts it.
 */
async function readResiliently(
  items: readonly DiffItem[],
  read: (items: readonly DiffItem[], started: (sha: string) => void) => Promise<void>,
  forget: (sha: string) => void,
  unreadable: Unreadable,
): Promise<void> {
  const started: string[] = [];
  try {
    await read(items, (sha) => started.push(sha));
    return;
  } catch (error) {
    if (items.length === 1) {
      forget(items[0]?.sha ?? '');
      unreadable.set(items[0]?.sha ?? '', error instanceof Error ? error.message : String(error));
      return;
    }
  }
  // Git stopped on the last unit it started (or the one after it): that one alone, then the rest together.
  const complete = new Set(started.slice(0, -1));
  const [first, ...rest] = items.filter((i) => !complete.has(i.sha));
  if (!first) return;
  forget(first.sha);
  await readResiliently([first], read, forget, unreadable);
  if (rest.length > 0) await readResiliently(rest, read, forget, unreadable);
}

/** Splits work into `n` contiguous chunks of similar length. */
export function chunks<T>(items: readonly T[], n: number): T[][] {
  const size = Math.max(1, Math.ceil(items.length / Math.max(1, n)));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Sizes of many units from `git diff-tree --stdin --numstat`: one streamed process per chunk, `processes`
 * chunks at once. Renames are detected (`-M`) so a moved file counts once, under its new name.
 */
export async function unitSizes(
  repo: string,
  items: readonly DiffItem[],
  excluded: (path: string) => boolean,
  processes: number,
  onUnit?: () => void,
  unreadable: Unreadable = new Map(),
): Promise<Map<string, UnitSize>> {
  const sizes = new Map<string, UnitSize>();
  const read = async (chunk: readonly DiffItem[], started: (sha: string) => void) => {
    let current: UnitSize | null = null;
    // Each unit starts with its sha on a line of its own (--always prints it even for an empty change).
    const args = ['diff-tree', '--stdin', '--root', '--always', '-r', '-M', '--numstat'];
    for await (const line of gitLines(repo, args, stdinFor(chunk))) {
      if (SHA_LINE.test(line)) {
        started(line);
        current = {
          additions: 0,
          deletions: 0,
          files: 0,
          effectiveLines: 0,
          effectiveFiles: 0,
        };
        sizes.set(line, current);
        onUnit?.();
        continue;
      }
      const change = current ? parseNumstatLine(line) : null;
      if (!current || !change) continue;
      current.additions += change.additions;
      current.deletions += change.deletions;
      current.files += 1;
      if (excluded(change.path)) continue;
      current.effectiveFiles += 1;
      if (!change.binary) current.effectiveLines += change.additions + change.deletions;
    }
  };
  const forget = (sha: string) => sizes.delete(sha);
  await Promise.all(chunks(items, processes).map((c) => readResiliently(c, read, forget, unreadable)));
  return sizes;
}

/** What a unit's patch says: the files it touched (old and new names), and the ranges it changed. */
export interface UnitHunks {
  paths: string[];
  files: OldRanges[];
  /**
   * Lines the unit changed, each counted once — a hunk replacing o lines by n counts max(o, n) — in files
   * that are not excluded (new and deleted files included): the denominator of the churn share.
   */
  changed: number;
}

/** The lines a unit changed or deleted in one file, as ranges of the file at the unit's base. */
export interface OldRanges {
  path: string;
  /** [first line, count], 1-based, in file order. */
  ranges: [number, number][];
}

/**
 * The old-side ranges of every hunk of each unit, from `git diff-tree --stdin -p -U0` (one streamed
 * process). Content lines are counted past and never kept. Files the unit added have no old side; binary
 * files have no hunks; files whose new path is excluded are skipped.
 */
export async function changedRanges(
  repo: string,
  items: readonly DiffItem[],
  excluded: (path: string) => boolean,
  unreadable: Unreadable = new Map(),
): Promise<Map<string, UnitHunks>> {
  const result = new Map<string, UnitHunks>();
  await readResiliently(
    items,
    (some, started) => readHunks(repo, some, excluded, result, started),
    (sha) => result.delete(sha),
    unreadable,
  );
  for (const { files } of result.values()) {
    for (let i = files.length - 1; i >= 0; i--) if (files[i]?.ranges.length === 0) files.splice(i, 1);
  }
  return result;
}

async function readHunks(
  repo: string,
  items: readonly DiffItem[],
  excluded: (path: string) => boolean,
  result: Map<string, UnitHunks>,
  started: (sha: string) => void,
): Promise<void> {
  let unit: UnitHunks | null = null;
  let file: OldRanges | null = null;
  let oldPath: string | null = null;
  let skip = false;
  let countChanged = false;
  let oldLeft = 0;
  let newLeft = 0;
  // --root: a root commit's patch adds its files, which later units may then churn.
  const args = ['diff-tree', '--stdin', '--root', '-r', '-M', '-p', '-U0', '--no-ext-diff', '--no-textconv'];
  for await (const line of gitLines(repo, args, stdinFor(items))) {
    // Inside a hunk, every line is content until the header's counts are used up.
    if (oldLeft > 0 || newLeft > 0) {
      if (line.startsWith('-')) oldLeft -= 1;
      else if (line.startsWith('+')) newLeft -= 1;
      continue;
    }
    if (SHA_LINE.test(line)) {
      started(line);
      unit = { paths: [], files: [], changed: 0 };
      result.set(line, unit);
      file = null;
      continue;
    }
    if (line.startsWith('diff --git ')) {
      file = null;
      oldPath = null;
      skip = false;
      countChanged = false;
      continue;
    }
    // A pure rename has no ---/+++ lines; its names still say which files the unit touched.
    const renamed = /^rename (?:from|to) (.*)$/.exec(line);
    if (renamed) {
      unit?.paths.push(unquoteSide(renamed[1] ?? '', ''));
      continue;
    }
    if (line.startsWith('--- ')) {
      oldPath = line === '--- /dev/null' ? null : unquoteSide(line.slice(4), 'a/');
      if (oldPath !== null) unit?.paths.push(oldPath);
      continue;
    }
    if (line.startsWith('+++ ')) {
      const newPath = line === '+++ /dev/null' ? null : unquoteSide(line.slice(4), 'b/');
      if (newPath !== null && newPath !== oldPath) unit?.paths.push(newPath);
      countChanged = !excluded(newPath ?? oldPath ?? '');
      skip = oldPath === null || (newPath !== null && excluded(newPath));
      if (!skip && unit && oldPath !== null) {
        file = { path: oldPath, ranges: [] };
        unit.files.push(file);
      }
      continue;
    }
    const hunk = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk) {
      const [, start = '0', oldCount = '1', , newCount = '1'] = hunk;
      oldLeft = Number(oldCount);
      newLeft = Number(newCount);
      if (countChanged && unit) unit.changed += Math.max(oldLeft, newLeft);
      if (!skip && file && oldLeft > 0) file.ranges.push([Number(start), oldLeft]);
    }
  }
}

/** `a/src/x.ts` or `"a/caf\303\251.ts"` → `src/x.ts` / `café.ts`. */
function unquoteSide(text: string, prefix: string): string {
  const raw = text.startsWith('"') ? unquotePath(text) : text.replace(/\t$/, '');
  return raw.startsWith(prefix) ? raw.slice(prefix.length) : raw;
}
