import type { Estimate, Interval } from './experiment-estimate.js';
import { targetSign, type Target } from './experiment-target.js';

export const VERDICTS = ['met', 'not_met', 'inconclusive'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface MetricVerdict {
  verdict: Verdict;
  /** Why, in a sentence a reader can check against the figures beside it. */
  reason: string;
  /** The figure the target is judged on, its scale and its interval. */
  judged: {
    figure: 'difference' | 'treatment_level';
    scale: 'relative' | 'absolute';
    value: number | null;
    interval: Interval | null;
  };
}

export interface VerdictRules {
  minWeeks: number;
  minSample: number;
  confidence: number;
  /** What the sample counts ("merged PRs"). */
  sampleUnit: string;
  /** Formats a figure on the judged scale, for the reasons ("+12.0%", "0.04", "$131.20"). */
  format: (value: number, scale: 'relative' | 'absolute') => string;
}

/**
 * The control "moved too" when its own change is clear (its interval excludes no change), in the same
 * direction as the treatment's and at least this share of it: the difference may then be the org's weather
 * more than the treatment, and difference in differences rests on the groups moving alike without it.
 */
export const CONTROL_MOVED_SHARE = 0.5;

/**
 * The verdict of one metric, in this order: enough weeks, enough sample, an estimate at all; then for a
 * change target, whether the control moved too; then met / not met / inconclusive from the interval.
 * - change (`+30%`): met when the difference reaches the target and its interval excludes no change; not met
 *   when the whole interval falls short of the target; otherwise inconclusive.
 * - level (`<= 150`) and guard rail (`not rising by more than 0.05`): met when the whole interval is on the
 *   allowed side of the limit, not met when it is wholly beyond it, inconclusive when it straddles it.
 */
export function judgeMetric(target: Target, e: Estimate, rules: VerdictRules): MetricVerdict {
  const scale: 'relative' | 'absolute' = target.kind === 'level' ? 'absolute' : target.scale;
  const figure = target.kind === 'level' ? 'treatment_level' : 'difference';
  const value =
    target.kind === 'level' ? e.treatment.test : scale === 'relative' ? e.did.relative : e.did.absolute;
  const interval =
    target.kind === 'level'
      ? e.intervals.treatmentTest
      : scale === 'relative'
        ? e.intervals.didRelative
        : e.intervals.didAbsolute;
  const judged = { figure, scale, value, interval } as const;
  const inconclusive = (reason: string): MetricVerdict => ({ verdict: 'inconclusive', reason, judged });

  const fewWeeks = Math.min(e.weeksWithData.baseline, e.weeksWithData.test);
  if (fewWeeks < rules.minWeeks)
    return inconclusive(
      `too few weeks: ${e.weeksWithData.baseline} baseline and ${e.weeksWithData.test} test weeks have data for both groups (at least ${rules.minWeeks} each)`,
    );
  const samples = [
    ['treatment', 'baseline', e.sample.treatment.baseline],
    ['treatment', 'test', e.sample.treatment.test],
    ['control', 'baseline', e.sample.control.baseline],
    ['control', 'test', e.sample.control.test],
  ] as const;
  const short = samples.find((s) => s[2] < rules.minSample);
  if (short)
    return inconclusive(
      `too few ${rules.sampleUnit}: the ${short[0]} had ${short[2]} in the ${short[1]} (at least ${rules.minSample})`,
    );
  if (value === null || interval === null)
    return inconclusive(
      scale === 'relative'
        ? 'no relative change can be computed (a group had no value, or a baseline of 0: write the target in the metric’s unit)'
        : 'no value for a group in one of the windows',
    );

  const s = targetSign(target);
  const lo = Math.min(s * interval.low, s * interval.high);
  const hi = Math.max(s * interval.low, s * interval.high);
  const pct = `${Math.round(rules.confidence * 100)}%`;
  const range = `${pct} interval ${rules.format(interval.low, scale)} to ${rules.format(interval.high, scale)}`;

  if (target.kind === 'change') {
    const t = scale === 'relative' ? e.treatment.relative : e.treatment.absolute;
    const c = scale === 'relative' ? e.control.relative : e.control.absolute;
    const cInterval = scale === 'relative' ? e.intervals.controlRelative : e.intervals.controlAbsolute;
    if (
      t !== null &&
      c !== null &&
      cInterval !== null &&
      Math.sign(c) === Math.sign(t) &&
      Math.abs(c) >= CONTROL_MOVED_SHARE * Math.abs(t) &&
      (cInterval.low > 0 || cInterval.high < 0)
    )
      return inconclusive(
        `the control moved too: ${rules.format(c, scale)} against the treatment's ${rules.format(t, scale)}, so the difference may not be the treatment's`,
      );
    const goal = Math.abs(target.amount);
    const v = s * value;
    if (v >= goal && lo > 0)
      return {
        verdict: 'met',
        reason: `difference ${rules.format(value, scale)} reaches the target ${target.text}; ${range} excludes no change`,
        judged,
      };
    if (hi < goal)
      return {
        verdict: 'not_met',
        reason:
          hi < 0
            ? `moved against the target: difference ${rules.format(value, scale)}, ${range}`
            : `short of the target ${target.text}: difference ${rules.format(value, scale)}, and the ${range} stops short of it`,
        judged,
      };
    return inconclusive(
      lo <= 0
        ? `the ${range} includes no change (difference ${rules.format(value, scale)})`
        : `difference ${rules.format(value, scale)} is short of the target ${target.text}, which the ${range} still includes`,
    );
  }

  // Level and guard rail: a limit the whole interval must stay on the right side of.
  const limit = target.kind === 'level' ? target.limit : -s * target.tolerance;
  const limitText = rules.format(limit, scale);
  const what = target.kind === 'level' ? `the treatment's level in the test` : 'the difference';
  if (lo >= s * limit)
    return {
      verdict: 'met',
      reason: `${what} (${rules.format(value, scale)}) stays within ${limitText}: the whole ${range} does`,
      judged,
    };
  if (hi < s * limit)
    return {
      verdict: 'not_met',
      reason: `${what} (${rules.format(value, scale)}) is beyond ${limitText}: the whole ${range} is`,
      judged,
    };
  return inconclusive(`${what} is ${rules.format(value, scale)}, but the ${range} reaches past ${limitText}`);
}

export interface OverallVerdict {
  verdict: Verdict;
  reason: string;
}

/** Met when every metric is met; not met when any is not met; otherwise inconclusive, naming what is open. */
export function overallVerdict(
  metrics: readonly { title: string; verdict: MetricVerdict }[],
): OverallVerdict {
  const notMet = metrics.filter((m) => m.verdict.verdict === 'not_met');
  if (notMet.length)
    return { verdict: 'not_met', reason: `not met on ${notMet.map((m) => m.title).join(', ')}` };
  const open = metrics.filter((m) => m.verdict.verdict === 'inconclusive');
  if (open.length)
    return {
      verdict: 'inconclusive',
      reason: open.map((m) => `${m.title}: ${m.verdict.reason}`).join('; '),
    };
  return { verdict: 'met', reason: `all ${metrics.length} metrics met their targets` };
}
