import { describe, expect, it } from 'vitest';
import { addDays } from '../domain/time.js';
import { estimate, type TeamWeekValue } from './experiment-estimate.js';
import { parseTarget } from './experiment-target.js';
import { judgeMetric } from './experiment-verdict.js';

/**
 * The verdict rules on made-up weekly series with a known answer: a clear lift is met; a lift the control
 * shares is inconclusive; too few weeks or too small a sample never gives a verdict; a lift short of the
 * target is not met; a noisy one is inconclusive; levels and guard rails hold only when the whole interval
 * does.
 */
const baselineWeeks = Array.from({ length: 6 }, (_, i) => addDays('2026-08-24', 7 * i));
const testWeeks = Array.from({ length: 6 }, (_, i) => addDays('2026-10-05', 7 * i));
const wiggle = [0.97, 1.03, 1.0, 0.98, 1.02, 1.0];

/** One team per group; `t` and `c` give each group's weekly value in the baseline and the test. */
function series(
  t: [number, number],
  c: [number, number],
  o: { noise?: number; sample?: number; weeks?: number } = {},
): TeamWeekValue[] {
  const noise = o.noise ?? 1;
  // The control's weeks wiggle out of step with the treatment's: noise that pairing weeks does not cancel.
  const shake = (v: number, i: number) => v * (1 + ((wiggle[i % wiggle.length] ?? 1) - 1) * noise);
  const out: TeamWeekValue[] = [];
  const add = (team: string, weeks: string[], v: number) =>
    weeks
      .slice(0, o.weeks ?? weeks.length)
      .forEach((week, i) => out.push({ team, week, value: shake(v, i), weight: 4, sample: o.sample ?? 10 }));
  add('t', baselineWeeks, t[0]);
  add('t', testWeeks, t[1]);
  add('c', baselineWeeks, c[0]);
  add('c', testWeeks, c[1]);
  return out;
}

const OPTIONS = {
  baselineWeeks,
  testWeeks,
  treatment: ['t'],
  control: ['c'],
  sprintWeeks: 2,
  resamples: 1000,
  confidence: 0.9,
  seed: 1,
};
const RULES = {
  minWeeks: 3,
  minSample: 20,
  confidence: 0.9,
  sampleUnit: 'merged PRs',
  format: (v: number, scale: 'relative' | 'absolute') =>
    scale === 'relative' ? `${(v * 100).toFixed(1)}%` : v.toFixed(3),
};

function judge(target: string, values: TeamWeekValue[]) {
  const t = parseTarget(target);
  if (!t.ok) throw new Error(t.error);
  return judgeMetric(t.value, estimate(values, OPTIONS), RULES);
}

describe('experiment verdicts', () => {
  it('a lift of +50% against a flat control meets +30%, with the interval above zero', () => {
    const v = judge('+30%', series([10, 15], [10, 10]));
    expect(v.verdict).toBe('met');
    expect(v.judged.value).toBeCloseTo(0.5, 1);
    expect(v.judged.interval?.low).toBeGreaterThan(0);
  });

  it('a lift the control shares is inconclusive: the control moved too', () => {
    const v = judge('+30%', series([10, 16], [10, 14]));
    expect(v.verdict).toBe('inconclusive');
    expect(v.reason).toContain('the control moved too');
  });

  it('too few weeks or too small a sample gives no verdict, whatever the figures', () => {
    expect(judge('+30%', series([10, 15], [10, 10], { weeks: 2 })).reason).toMatch(
      /^too few weeks: 2 baseline/,
    );
    expect(judge('+30%', series([10, 15], [10, 10], { sample: 3 })).reason).toMatch(
      /^too few merged PRs: the treatment had 18 in the baseline \(at least 20\)/,
    );
  });

  it('a clear lift short of the target is not met; a noisy one is inconclusive', () => {
    const short = judge('+30%', series([10, 11.5], [10, 10]));
    expect(short.verdict).toBe('not_met');
    expect(short.judged.interval?.high).toBeLessThan(0.3);
    const noisy = judge('+30%', series([10, 12.5], [10, 10], { noise: 25 }));
    expect(noisy.verdict).toBe('inconclusive');
  });

  it('a drop meets a negative target ("-20%") and misses a positive one', () => {
    expect(judge('-20%', series([10, 7], [10, 10])).verdict).toBe('met');
    expect(judge('+10%', series([10, 7], [10, 10])).reason).toMatch(/^moved against the target/);
  });

  it('a level holds only when the whole interval is within the limit', () => {
    expect(judge('<= 10', series([12, 7], [8, 8])).verdict).toBe('met');
    expect(judge('<= 10', series([8, 12], [8, 8])).verdict).toBe('not_met');
    expect(judge('<= 10', series([8, 10], [8, 8], { noise: 3 })).verdict).toBe('inconclusive');
  });

  it('a guard rail holds when the difference stays within its tolerance', () => {
    expect(judge('not rising by more than 0.05', series([0.1, 0.1], [0.1, 0.1])).verdict).toBe('met');
    expect(judge('not rising by more than 0.05', series([0.1, 0.3], [0.1, 0.1])).verdict).toBe('not_met');
    expect(judge('not falling', series([0.5, 0.3], [0.5, 0.5])).verdict).toBe('not_met');
  });

  it('the bootstrap is seeded: the same seed gives the same interval, another seed another', () => {
    const values = series([10, 13], [10, 10], { noise: 5 });
    const a = estimate(values, OPTIONS).intervals.didRelative;
    expect(estimate(values, OPTIONS).intervals.didRelative).toEqual(a);
    expect(estimate(values, { ...OPTIONS, seed: 2 }).intervals.didRelative).not.toEqual(a);
  });
});
