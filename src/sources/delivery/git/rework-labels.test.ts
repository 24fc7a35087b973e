import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCommitMessage, revertOfTitle } from './messages.js';
import { YOUNG_DAYS } from './rework.js';
import { fixedRefs, reworkVerdict } from './rework-rule.js';

/**
 * The rework rule against merged PRs of two real repositories labelled by hand (each fixture names the
 * repository, commit range, licence, and a reason per PR): precision and recall of the PR-level flag.
 * The rule was tuned on anthropics/claude-code-action (squash merges); tod-org/tod (rebase merges landed by
 * its maintainers) was labelled before the rule was first run on it, as a held-out check.
 */
interface Labelled {
  sha: string;
  ref: string | null;
  mergedAt: string;
  message: string;
  changedLines: number | null;
  youngLines: number | null;
  rework: boolean;
  reason: string;
}

const load = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../../../test/fixtures/rework-labels/${name}.json`, import.meta.url), 'utf8'),
  ) as { prs: Labelled[] };

const seconds = (iso: string) => Date.parse(iso) / 1000;

function flagged(p: Labelled, recent: ReadonlyMap<string, number>): boolean {
  const title = parseCommitMessage(p.message).title;
  const unit = {
    title,
    mergedAt: seconds(p.mergedAt),
    // Squash merges: only a revert title counts (a quoted sha belongs to the branch's own commits).
    revertOf: revertOfTitle(title),
    fixes: fixedRefs(p.message).filter((n) => n !== p.ref),
  };
  const churn =
    p.changedLines === null || p.youngLines === null
      ? undefined
      : { young: p.youngLines, lines: p.youngLines, changed: p.changedLines };
  return reworkVerdict(unit, churn, recent, YOUNG_DAYS) !== null;
}

function confusion(prs: readonly Labelled[]) {
  const recent = new Map(
    prs.filter((p) => p.ref !== null).map((p) => [p.ref as string, seconds(p.mergedAt)]),
  );
  const flags = prs.map((p) => flagged(p, recent));
  return {
    tp: prs.filter((p, i) => p.rework && flags[i]).length,
    fp: prs.filter((p, i) => !p.rework && flags[i]).length,
    fn: prs.filter((p, i) => p.rework && !flags[i]).length,
  };
}

describe.each([
  // [fixture, expected confusion]: the figures the README reports.
  ['claude-code-action', { tp: 7, fp: 0, fn: 2 }],
  ['tod', { tp: 3, fp: 0, fn: 5 }],
])('rework rule on hand-labelled PRs of %s', (name, expected) => {
  const sample = load(name);

  it('labels at least 50 merged PRs, each with a reason', () => {
    expect(sample.prs.length).toBeGreaterThanOrEqual(50);
    expect(sample.prs.every((p) => p.reason.length > 10)).toBe(true);
  });

  it('reaches a precision of at least 0.8 (recall reported in the README)', () => {
    const got = confusion(sample.prs);
    expect(got).toEqual(expected);
    expect(got.tp / (got.tp + got.fp)).toBeGreaterThanOrEqual(0.8);
  });
});

describe('rework rule on both labelled sets together', () => {
  it('keeps a precision of at least 0.8', () => {
    const all = [...load('claude-code-action').prs, ...load('tod').prs];
    const { tp, fp } = confusion(all);
    expect(tp / (tp + fp)).toBeGreaterThanOrEqual(0.8);
  });
});
