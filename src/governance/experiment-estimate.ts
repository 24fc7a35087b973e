import { quantile, seededRandom } from '../domain/statistics.js';
import { addDays } from '../domain/time.js';

/**
 * Difference in differences with a week bootstrap: the arithmetic of an experiment's result, pure and
 * deterministic (docs/experiments.md states it for a reader who wants to redo it).
 *
 * Every figure is a weighted mean of team-week values, the weight being what the value is a ratio over
 * (merged PRs for cost per merged PR, available engineer-weeks for throughput per engineer): so a group's level over a
 * period is the ratio of its sums (total cost ÷ total PRs), not an average of small weekly ratios.
 *
 * The bootstrap resamples whole weeks, with replacement, separately within the baseline and within the test,
 * and takes the same weeks for treatment and control: what happened to everyone in a week (a holiday, an
 * incident) stays paired, as difference in differences assumes.
 */

export interface TeamWeekValue {
  team: string;
  /** The Monday of the week. */
  week: string;
  value: number | null;
  /** What `value` is a ratio over (0: the week says nothing for this team). */
  weight: number;
  /** The sample behind the value (merged PRs, …), for the minimum-sample rule. */
  sample: number;
}

export type Interval = { low: number; high: number };

export interface GroupChange {
  baseline: number | null;
  test: number | null;
  /** test − baseline, in the metric's unit. */
  absolute: number | null;
  /** (test − baseline) ÷ baseline. */
  relative: number | null;
}

export interface SprintFigure {
  window: 'baseline' | 'test';
  /** 1-based within its window. */
  index: number;
  since: string;
  until: string;
  treatment: number | null;
  control: number | null;
  /** Test sprints only: each group's relative change against its whole baseline, and their difference. */
  treatmentChange: number | null;
  controlChange: number | null;
  difference: number | null;
  /** The same in the metric's unit (test sprint − baseline). */
  treatmentDelta: number | null;
  controlDelta: number | null;
  differenceDelta: number | null;
}

export interface Estimate {
  treatment: GroupChange;
  control: GroupChange;
  /** Difference in differences: treatment's change − control's change, absolute and in relative points. */
  did: { absolute: number | null; relative: number | null };
  intervals: {
    didAbsolute: Interval | null;
    didRelative: Interval | null;
    treatmentAbsolute: Interval | null;
    treatmentRelative: Interval | null;
    controlAbsolute: Interval | null;
    controlRelative: Interval | null;
    /** The treatment's level during the test, for targets on a level ("within $150"). */
    treatmentTest: Interval | null;
  };
  /** Weeks of each window in which both groups have data. */
  weeksWithData: { baseline: number; test: number };
  weeks: { baseline: number; test: number };
  sample: { treatment: { baseline: number; test: number }; control: { baseline: number; test: number } };
  sprints: SprintFigure[];
}

export interface EstimateOptions {
  baselineWeeks: readonly string[];
  testWeeks: readonly string[];
  treatment: readonly string[];
  control: readonly string[];
  sprintWeeks: number;
  resamples: number;
  confidence: number;
  seed: number;
}

/** Σ value × weight and Σ weight of one group in one week: the two sums every level is made from. */
interface Sums {
  num: number;
  den: number;
  sample: number;
}

function weekSums(
  values: readonly TeamWeekValue[],
  teams: readonly string[],
  weeks: readonly string[],
): Sums[] {
  const index = new Map(weeks.map((w, i) => [w, i]));
  const members = new Set(teams);
  const sums = weeks.map(() => ({ num: 0, den: 0, sample: 0 }));
  for (const v of values) {
    const i = index.get(v.week);
    if (i === undefined || !members.has(v.team)) continue;
    const s = sums[i] as Sums;
    s.sample += v.sample;
    if (v.value === null || !Number.isFinite(v.value) || !(v.weight > 0)) continue;
    s.num += v.value * v.weight;
    s.den += v.weight;
  }
  return sums;
}

const level = (sums: readonly Sums[]): number | null => {
  let num = 0;
  let den = 0;
  for (const s of sums) {
    num += s.num;
    den += s.den;
  }
  return den > 0 ? num / den : null;
};

function change(baseline: number | null, test: number | null): GroupChange {
  const absolute = baseline === null || test === null ? null : test - baseline;
  const relative = absolute === null || baseline === null || baseline === 0 ? null : absolute / baseline;
  return { baseline, test, absolute, relative };
}

const minus = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);

function interval(values: number[], confidence: number): Interval | null {
  if (values.length === 0) return null;
  return { low: quantile(values, (1 - confidence) / 2), high: quantile(values, 1 - (1 - confidence) / 2) };
}

export function estimate(values: readonly TeamWeekValue[], o: EstimateOptions): Estimate {
  const tb = weekSums(values, o.treatment, o.baselineWeeks);
  const tt = weekSums(values, o.treatment, o.testWeeks);
  const cb = weekSums(values, o.control, o.baselineWeeks);
  const ct = weekSums(values, o.control, o.testWeeks);
  const treatment = change(level(tb), level(tt));
  const control = change(level(cb), level(ct));

  // The bootstrap: per resample, draw the baseline's weeks then the test's, each uniformly with replacement
  // from its own window, by one mulberry32 stream seeded with `seed`.
  const rand = seededRandom(o.seed);
  const draws = { didA: [], didR: [], tA: [], tR: [], cA: [], cR: [], tLevel: [] } as Record<
    string,
    number[]
  >;
  const push = (key: string, v: number | null) => {
    if (v !== null && Number.isFinite(v)) (draws[key] as number[]).push(v);
  };
  const nb = o.baselineWeeks.length;
  const nt = o.testWeeks.length;
  if (nb > 0 && nt > 0)
    for (let r = 0; r < o.resamples; r++) {
      const acc = { tbN: 0, tbD: 0, cbN: 0, cbD: 0, ttN: 0, ttD: 0, ctN: 0, ctD: 0 };
      for (let k = 0; k < nb; k++) {
        const i = Math.floor(rand() * nb);
        const t = tb[i] as Sums;
        const c = cb[i] as Sums;
        acc.tbN += t.num;
        acc.tbD += t.den;
        acc.cbN += c.num;
        acc.cbD += c.den;
      }
      for (let k = 0; k < nt; k++) {
        const i = Math.floor(rand() * nt);
        const t = tt[i] as Sums;
        const c = ct[i] as Sums;
        acc.ttN += t.num;
        acc.ttD += t.den;
        acc.ctN += c.num;
        acc.ctD += c.den;
      }
      const ratio = (n: number, d: number) => (d > 0 ? n / d : null);
      const tc = change(ratio(acc.tbN, acc.tbD), ratio(acc.ttN, acc.ttD));
      const cc = change(ratio(acc.cbN, acc.cbD), ratio(acc.ctN, acc.ctD));
      push('didA', minus(tc.absolute, cc.absolute));
      push('didR', minus(tc.relative, cc.relative));
      push('tA', tc.absolute);
      push('tR', tc.relative);
      push('cA', cc.absolute);
      push('cR', cc.relative);
      push('tLevel', tc.test);
    }
  const ci = (key: string) => interval(draws[key] as number[], o.confidence);

  const withData = (t: Sums[], c: Sums[]) => t.filter((s, i) => s.den > 0 && (c[i]?.den ?? 0) > 0).length;
  const total = (sums: Sums[]) => sums.reduce((a, s) => a + s.sample, 0);
  return {
    treatment,
    control,
    did: {
      absolute: minus(treatment.absolute, control.absolute),
      relative: minus(treatment.relative, control.relative),
    },
    intervals: {
      didAbsolute: ci('didA'),
      didRelative: ci('didR'),
      treatmentAbsolute: ci('tA'),
      treatmentRelative: ci('tR'),
      controlAbsolute: ci('cA'),
      controlRelative: ci('cR'),
      treatmentTest: ci('tLevel'),
    },
    weeksWithData: { baseline: withData(tb, cb), test: withData(tt, ct) },
    weeks: { baseline: nb, test: nt },
    sample: {
      treatment: { baseline: total(tb), test: total(tt) },
      control: { baseline: total(cb), test: total(ct) },
    },
    sprints: [
      ...sprintsOf('baseline', o.baselineWeeks, o.sprintWeeks, tb, cb, null),
      ...sprintsOf('test', o.testWeeks, o.sprintWeeks, tt, ct, { treatment, control }),
    ],
  };
}

function sprintsOf(
  window: 'baseline' | 'test',
  weeks: readonly string[],
  sprintWeeks: number,
  t: Sums[],
  c: Sums[],
  against: { treatment: GroupChange; control: GroupChange } | null,
): SprintFigure[] {
  const out: SprintFigure[] = [];
  for (let start = 0; start < weeks.length; start += sprintWeeks) {
    const end = Math.min(weeks.length, start + sprintWeeks);
    const tl = level(t.slice(start, end));
    const cl = level(c.slice(start, end));
    const tc = against ? change(against.treatment.baseline, tl) : null;
    const cc = against ? change(against.control.baseline, cl) : null;
    const tChange = tc?.relative ?? null;
    const cChange = cc?.relative ?? null;
    out.push({
      window,
      index: out.length + 1,
      since: weeks[start] as string,
      until: addDays(weeks[end - 1] as string, 7),
      treatment: tl,
      control: cl,
      treatmentChange: tChange,
      controlChange: cChange,
      difference: minus(tChange, cChange),
      treatmentDelta: tc?.absolute ?? null,
      controlDelta: cc?.absolute ?? null,
      differenceDelta: minus(tc?.absolute ?? null, cc?.absolute ?? null),
    });
  }
  return out;
}
