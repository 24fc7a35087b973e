import { excludedPaths } from './effective-paths.js';
import { blameRanges } from './blame.js';
import type { DiffItem, OldRanges, UnitHunks } from './diffs.js';

/** A line is young — its rewrite is churn — when it was merged less than this many days before. */
export const YOUNG_DAYS = 21;

/**
 * Files whose lines are rewritten by design, left out of churn besides the effective-line exclusions:
 * changelogs and release notes (each release edits the last one's lines) and test snapshots (regenerated).
 */
export const CHURN_EXCLUDED_GLOBS: readonly string[] = [
  'CHANGELOG*',
  'CHANGES*',
  'HISTORY*',
  'RELEASE_NOTES*',
  '**/__snapshots__/**',
  '*.snap',
];

/** The effective-line exclusions plus CHURN_EXCLUDED_GLOBS. */
export function churnExcluded(excluded: (path: string) => boolean): (path: string) => boolean {
  const more = excludedPaths(CHURN_EXCLUDED_GLOBS);
  return (path) => excluded(path) || more(path);
}

/**
 * Bounds that keep blame affordable on large repositories; lines left out by a bound count neither as
 * young nor as old. Per unit: at most MAX_FILES files (the first in diff order); per file: at most
 * MAX_HUNKS hunks, and files with more than MAX_FILE_LINES changed lines are skipped (a rewrite or a
 * generated file, whose age says little). Blames run BLAME_POOL at a time.
 */
export const REWORK_LIMITS = {
  maxFiles: 30,
  maxHunks: 40,
  maxFileLines: 1_000,
  blamePool: 4,
} as const;

export type ReworkLimits = { [K in keyof typeof REWORK_LIMITS]: number };

export interface ChurnItem extends DiffItem {
  /** Seconds: lines authored at or after mergedAt − 21 days are young. */
  mergedAt: number;
  /**
   * Whether a file's lines at the base can be young at all: false when no earlier unit merged in the 21
   * days before this one touched the path, so every line of it is older (a line reaches the default branch
   * no sooner than it was authored). Such files are counted as old without running blame.
   */
  mayBeYoung: (path: string) => boolean;
}

export interface Churn {
  lines: number;
  young: number;
}

/** Runs tasks with at most `size` in flight. */
async function pool<T>(tasks: readonly (() => Promise<T>)[], size: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, tasks.length) }, worker));
  return results;
}

/** The files and ranges of one unit that the bounds let through. */
export function boundedRanges(files: readonly OldRanges[], limits: ReworkLimits): OldRanges[] {
  return files
    .slice(0, limits.maxFiles)
    .map((f) => ({ path: f.path, ranges: f.ranges.slice(0, limits.maxHunks) }))
    .filter((f) => f.ranges.reduce((n, [, c]) => n + c, 0) <= limits.maxFileLines);
}

/**
 * For each unit: how many of the lines it changed or deleted were blamed, and how many of those were
 * authored in the YOUNG_DAYS before its merge. Hunks come from one streamed `diff-tree -p -U0`
 * (changedRanges); blames of the changed ranges run on the unit's base (its first parent), a few at a time.
 */
export async function measureChurn(
  repo: string,
  items: readonly ChurnItem[],
  hunks: ReadonlyMap<string, UnitHunks>,
  limits: ReworkLimits = REWORK_LIMITS,
  onUnit?: () => void,
): Promise<Map<string, Churn>> {
  const churn = new Map<string, Churn>();
  const tasks: (() => Promise<void>)[] = [];
  for (const item of items) {
    const total: Churn = { lines: 0, young: 0 };
    churn.set(item.sha, total);
    const files = item.base ? boundedRanges(hunks.get(item.sha)?.files ?? [], limits) : [];
    if (files.length === 0) {
      tasks.push(() => Promise.resolve(onUnit?.()));
      continue;
    }
    const youngSince = item.mergedAt - YOUNG_DAYS * 86_400;
    let left = files.length;
    for (const f of files) {
      if (!item.mayBeYoung(f.path)) {
        total.lines += f.ranges.reduce((n, [, c]) => n + c, 0);
        if (--left === 0) tasks.push(() => Promise.resolve(onUnit?.()));
        continue;
      }
      tasks.push(async () => {
        // A blame that fails (a path git cannot follow) leaves those lines out rather than the whole run.
        const count = await blameRanges(repo, item.base as string, f.path, f.ranges, youngSince).catch(
          () => ({ lines: 0, young: 0 }),
        );
        total.lines += count.lines;
        total.young += count.young;
        if (--left === 0) onUnit?.();
      });
    }
  }
  await pool(tasks, limits.blamePool);
  return churn;
}
