import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCommitMessage, revertOfTitle } from './messages.js';
import { YOUNG_DAYS } from './rework.js';
import { fixedRefs, reworkVerdict } from './rework-rule.js';

/**
 * The rework rule against 60 merged PRs of a real repository labelled by hand (the fixture names the
 * repository, commit range, licence, and a reason per PR): precision and recall of the PR-level flag.
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

const sample = JSON.parse(
  readFileSync(
    new URL('../../../../test/fixtures/rework-labels/claude-code-action.json', import.meta.url),
    'utf8',
  ),
) as { prs: Labelled[] };

const seconds = (iso: string) => Date.parse(iso) / 1000;
const recent = new Map(sample.prs.map((p) => [p.ref ?? '', seconds(p.mergedAt)]));

function flagged(p: Labelled): boolean {
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

describe('rework rule on hand-labelled PRs of anthropics/claude-code-action', () => {
  const tp = sample.prs.filter((p) => p.rework && flagged(p)).length;
  const fp = sample.prs.filter((p) => !p.rework && flagged(p)).length;
  const fn = sample.prs.filter((p) => p.rework && !flagged(p)).length;

  it('labels at least 50 merged PRs, each with a reason', () => {
    expect(sample.prs.length).toBeGreaterThanOrEqual(50);
    expect(sample.prs.every((p) => p.reason.length > 10)).toBe(true);
  });

  it('reaches a precision of at least 0.8 (recall reported in the README)', () => {
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    expect({ tp, fp, fn }).toEqual({ tp: 3, fp: 0, fn: 6 });
    expect(precision).toBeGreaterThanOrEqual(0.8);
    expect(recall).toBeCloseTo(3 / 9, 10);
  });
});
