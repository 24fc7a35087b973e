import type { Churn } from './rework.js';
import type { MergedUnit } from './units.js';

/**
 * The PR-level rework flag for merged work read from git. A unit is rework when, in this order:
 * 1. it reverts earlier work (units.ts reads every revert format), however old the work;
 * 2. it fixes a regression: its title says so, or it says it fixes (follows up on, was broken by…) a PR
 *    merged in the YOUNG_DAYS before it;
 * 3. it brings back removed work: its title says it restores, re-adds or reinstates something, or that a
 *    change was reverted or removed by mistake — the undo of an undo, rework like a revert however old;
 * 4. it is a bug fix (title `fix…`, `hotfix…`, `bugfix…`) that rewrites at least MIN_YOUNG_LINES_OF_FIX lines
 *    merged in the YOUNG_DAYS before it: a defect in work that just shipped, whatever else the PR adds;
 * 5. it substantially rewrites recent work: at least MIN_YOUNG_LINES of the lines it changes or deletes were
 *    merged in the YOUNG_DAYS before it, and they are more than MIN_YOUNG_SHARE of all the lines it changes
 *    (each counted once) — lockfiles, vendored and generated files, changelogs and snapshots left out, and version bumps
 *    and releases never (they rewrite the last release's lines by design).
 * Small edits of young lines (a typo, a one-line follow-up) are everyday work, not rework: the minimum size
 * is what keeps the flag believable (precision measured on hand-labelled PRs, README).
 */
export const REWORK_RULE = {
  minYoungLines: 20,
  minYoungShare: 0.5,
  minYoungLinesOfFix: 10,
} as const;

/** Subjects of releases and version bumps: `chore: release 1.4.0`, `Bump version to 2.1`, `v1.2.3`. */
const VERSION_BUMP =
  /^(?:(?:chore|build|release|ci)(?:\([^)]*\))?!?:\s*)?(?:bump\b|release\b|prepare (?:for )?release|version\b|v?\d+\.\d+\.\d+\b)/i;

export function isVersionBump(title: string): boolean {
  return VERSION_BUMP.test(title.trim());
}

/**
 * Titles of regression fixes: `fix(api): regression in paging`, `Fix regression from #412`, `hotfix: paging
 * regressed`. A title that merely mentions regressions (`add regression tests`) is not one.
 */
const REGRESSION_TITLE =
  /^(?:fix|hotfix|bugfix)\b.*\bregress|\bfix(?:es|ed|ing)? (?:an? |the |this |that )?regression/i;

/**
 * Titles that bring back removed work: `fix: restore prompt file creation`, `restore: bring back the tag
 * example`, `Re-add the retry`, `Update docs incorrectly reverted after refactor`. A feature about restoring
 * (`feat: restore window size on start`) names its type and is not one: only a fix, restore, revert or
 * chore prefix, or none, may come before the verb.
 */
const RESTORE_TITLE =
  /^(?:(?:fix|hotfix|restore|revert|chore|docs)(?:\([^)]*\))?!?:\s*|fix\s+-\s+)?(?:restore[sd]?|bring(?:s|ing)? back|re-?add(?:s|ed)?|reinstate[sd]?)\b|\b(?:incorrectly|accidentally|mistakenly|wrongly|unintentionally)\s+(?:reverted|removed|deleted|dropped|disabled)\b/i;

/** Titles of bug fixes: `fix: …`, `fix(api): …`, `fix - …`, `Fix the …`, `Fixes …`, `hotfix: …`, `bugfix …`. */
const FIX_TITLE = /^(?:fix(?:es|ed)?|hotfix|bugfix)\b/i;

/**
 * PR numbers a message says it fixes or follows up on: `Fixes #412`, `follow-up to #412`, `broken by #412`,
 * `regression from #412`. Issue numbers match too (GitHub shares the sequence): the caller keeps only
 * numbers of PRs merged shortly before.
 */
export function fixedRefs(message: string): string[] {
  const re =
    /\b(?:fix(?:es|ed)?|follow[- ]?up(?: to| on| for| of)?|regression(?: from| in| of)?|broken by|broke in|introduced (?:by|in)|hotfix(?: for)?)\b[^#\n]{0,40}#(\d+)/gi;
  return [...new Set([...message.matchAll(re)].map((m) => m[1] ?? ''))].filter(Boolean);
}

export interface RecentPr {
  ref: string;
  mergedAt: number;
}

/** The rework reason of a unit, or null. `recent` maps a PR number to when it merged (seconds). */
export function reworkVerdict(
  unit: Pick<MergedUnit, 'revertOf' | 'title' | 'mergedAt' | 'fixes'>,
  churn: (Churn & { changed: number }) | undefined,
  recent: ReadonlyMap<string, number>,
  youngDays: number,
): string | null {
  if (unit.revertOf !== null) {
    const t = unit.revertOf;
    return `revert of ${/^[0-9a-f]+$/.test(t) ? t.slice(0, 12) : t}`;
  }
  if (REGRESSION_TITLE.test(unit.title)) return 'regression fix: the title says so';
  for (const ref of unit.fixes) {
    const merged = recent.get(ref);
    if (merged === undefined || merged >= unit.mergedAt) continue;
    const days = (unit.mergedAt - merged) / 86_400;
    if (days <= youngDays)
      return `regression fix: fixes #${ref}, merged ${Math.max(1, Math.round(days))} days before`;
  }
  if (RESTORE_TITLE.test(unit.title)) return 'restore: the title says it brings back removed work';
  if (!churn || isVersionBump(unit.title)) return null;
  if (FIX_TITLE.test(unit.title.trim()) && churn.young >= REWORK_RULE.minYoungLinesOfFix)
    return `fix of recent work: ${churn.young} of ${churn.changed} changed lines rewrote lines <${youngDays} days old`;
  // Most of what the PR changes must be a rewrite of young lines: extending recent code is not redoing it.
  if (churn.young >= REWORK_RULE.minYoungLines && churn.young / churn.changed > REWORK_RULE.minYoungShare) {
    return `churn: ${churn.young} of ${churn.changed} changed lines (${Math.round((100 * churn.young) / churn.changed)}%) rewrote lines <${youngDays} days old`;
  }
  return null;
}
