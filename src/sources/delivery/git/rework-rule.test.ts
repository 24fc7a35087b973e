import { describe, expect, it } from 'vitest';
import { fixedRefs, isVersionBump, reworkVerdict } from './rework-rule.js';

const DAY = 86_400;
const unit = (title: string, extra: { revertOf?: string; fixes?: string[] } = {}) => ({
  title,
  revertOf: extra.revertOf ?? null,
  fixes: extra.fixes ?? [],
  mergedAt: 100 * DAY,
});
const none = new Map<string, number>();

describe('the PR-level rework rule', () => {
  it('flags a revert first, however old the reverted work', () => {
    expect(reworkVerdict(unit('Revert "x" (#4)', { revertOf: '#2' }), undefined, none, 21)).toBe(
      'revert of #2',
    );
  });

  it('flags substantial rewrites of young lines only above the minimum size and share', () => {
    const churn = (young: number, changed: number) =>
      reworkVerdict(unit('feat: x'), { young, lines: young, changed }, none, 21);
    expect(churn(20, 30)).toBe('churn: 20 of 30 changed lines (67%) rewrote lines <21 days old');
    expect(churn(19, 19)).toBeNull(); // a small follow-up edit
    expect(churn(20, 40)).toBeNull(); // half of the change is not most: extending recent code
    const release = { young: 80, lines: 80, changed: 80 };
    expect(reworkVerdict(unit('chore: release 1.4.0'), release, none, 21)).toBeNull();
  });

  it('flags regression fixes by title, and fixes of a PR merged in the 21 days before', () => {
    expect(reworkVerdict(unit('fix: paging regression'), undefined, none, 21)).toBe(
      'regression fix: the title says so',
    );
    expect(reworkVerdict(unit('Add regression tests for paging'), undefined, none, 21)).toBeNull();
    const recent = new Map([
      ['41', 95 * DAY],
      ['12', 40 * DAY],
    ]);
    expect(reworkVerdict(unit('fix: paging', { fixes: ['41'] }), undefined, recent, 21)).toBe(
      'regression fix: fixes #41, merged 5 days before',
    );
    // #12 merged 60 days before, #77 is no PR this walk saw (an issue): neither makes a regression fix.
    expect(reworkVerdict(unit('fix: paging', { fixes: ['12', '77'] }), undefined, recent, 21)).toBeNull();
  });

  it('flags titles that bring back removed work, not features about restoring', () => {
    const says = (title: string) => reworkVerdict(unit(title), undefined, none, 21);
    for (const t of [
      'fix: restore prompt file creation in agent mode (#405)',
      'restore: bring back generic tag mode example (claude.yml) (#516)',
      'Re-add the retry on 502',
      'Update documentation incorrectly reverted after refactor (#399)',
    ])
      expect(says(t), t).toBe('restore: the title says it brings back removed work');
    for (const t of ['feat: restore window size on start', 'Add backup and restore commands'])
      expect(says(t), t).toBeNull();
  });

  it('flags bug fixes that rewrite young lines above a smaller minimum', () => {
    const fix = (title: string, young: number, changed: number) =>
      reworkVerdict(unit(title), { young, lines: young, changed }, none, 21);
    expect(fix('fix: tools ignored in agent mode', 16, 93)).toBe(
      'fix of recent work: 16 of 93 changed lines rewrote lines <21 days old',
    );
    expect(fix('fix: tools ignored in agent mode', 9, 12)).toBeNull(); // a small follow-up
    expect(fix('feat: more tools', 16, 93)).toBeNull(); // extending recent work is no fix of it
  });
});

describe('message conventions', () => {
  it('reads the PRs a message says it fixes or follows up on', () => {
    expect(fixedRefs('fix: paging\n\nFixes #41, follow-up to #39. Broken by #38. See #7')).toEqual([
      '41',
      '39',
      '38',
    ]);
    expect(fixedRefs('feat: paging (#42)')).toEqual([]);
  });

  it('knows releases and version bumps', () => {
    for (const t of ['chore: release 1.4.0', 'Bump version to 2.1', 'v1.2.3', 'chore(deps): bump lodash'])
      expect(isVersionBump(t), t).toBe(true);
    expect(isVersionBump('feat: release notes page')).toBe(false);
  });
});
