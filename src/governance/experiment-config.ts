import { z } from 'zod';
import { addDays, parseDay, weekStart, type DayWindow } from '../domain/time.js';
import { findMetric } from '../metrics/catalog.js';
import { findQuery } from '../metrics/registry.js';
import { expecting, zodMessage } from '../org/messages.js';
import { parseTarget, type Target } from './experiment-target.js';

/**
 * The shape of an experiment, as written under `experiments:` in mileage.yaml and as the body of
 * POST/PUT /api/v1/experiments (one validator for both): what is being tried, what success means in plain
 * words, who tries it and who does not, the windows before and during, and 3–6 catalog metrics with their
 * targets, all fixed before anyone looks at the results. Objects are strict: a misspelt `contol` would
 * otherwise leave the experiment without a control.
 */

const id = z
  .string({ error: expecting('an id (text)') })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected an id made of letters, digits, ".", "_" or "-"')
  .max(100, 'expected an id of at most 100 characters');

const text = (what: string, max = 4000) =>
  z
    .string({ error: expecting(what) })
    .trim()
    .min(1, `expected ${what}, got an empty value`)
    .max(max, `expected at most ${max} characters`);

const teamList = (what: string) =>
  z
    .array(z.union([z.string().trim().min(1), z.number()]), {
      error: expecting(`a list of team ids (${what})`),
    })
    .min(1, `expected at least one ${what} team`)
    .max(50, 'expected at most 50 teams');

const whole = (what: string, min: number, max: number) =>
  z
    .number({ error: expecting(what) })
    .int({ error: expecting(what) })
    .min(min, { error: expecting(`${what} (at least ${min})`) })
    .max(max, { error: expecting(`${what} (at most ${max})`) });

/** A Monday: weeks start on Monday in every weekly figure of Mileage, so a window is whole weeks. */
const monday = z.string({ error: expecting('a Monday as YYYY-MM-DD') }).superRefine((v, ctx) => {
  let date: Date;
  try {
    date = parseDay(v);
  } catch {
    ctx.addIssue({ code: 'custom', message: `expected a real day as YYYY-MM-DD, got "${v.slice(0, 40)}"` });
    return;
  }
  if (weekStart(v) !== v)
    ctx.addIssue({
      code: 'custom',
      message: `expected a Monday (weeks start on Monday): ${v} is a ${date.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' })}, the week's Monday is ${weekStart(v)}`,
    });
});

const windowSchema = z
  .strictObject({
    from: monday,
    weeks: whole('a number of weeks, such as 6', 1, 52).optional(),
    sprints: whole('a number of sprints, such as 3', 1, 26).optional(),
  })
  .superRefine((w, ctx) => {
    if ((w.weeks === undefined) === (w.sprints === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [w.weeks === undefined ? 'sprints' : 'weeks'],
        message: 'expected either weeks or sprints (one of the two)',
      });
  });

const metricSchema = z.strictObject({
  /** A catalog metric id (`mileage metrics list`) that can be split by team. */
  metric: z.string({ error: expecting('a catalog metric id, such as delivery.throughput_per_engineer') }),
  /** "+30%", "-50%", "+0.5", "<= 150", ">= 0.4", "not rising", "not rising by more than 0.05". */
  target: z.string({ error: expecting('a target in quotes, such as "+30%" or "<= 150"') }),
});

export const experimentSchema = z.strictObject({
  id,
  title: text('a short title'),
  /** What is believed, and why: "agents on the PR loop let a team merge a third more". */
  hypothesis: text('the hypothesis (text)'),
  /** The "press release": what success looks like in plain words, written before the results exist. */
  success: text('the success definition in plain language (text)'),
  treatment: teamList('treatment'),
  control: teamList('control'),
  /** Weeks per sprint, for windows written in sprints and for the sprint-by-sprint view (default 2). */
  sprint_weeks: whole('weeks per sprint, such as 2', 1, 8).optional(),
  baseline: windowSchema,
  test: windowSchema,
  metrics: z
    .array(metricSchema, { error: expecting('a list of 3 to 6 metrics, each with metric and target') })
    .min(3, 'expected 3 to 6 metrics chosen up front (got fewer than 3)')
    .max(6, 'expected 3 to 6 metrics chosen up front (got more than 6)'),
  /** Weeks with data each window needs for a verdict (default 3). */
  min_weeks: whole('a number of weeks, such as 3', 2, 52).optional(),
  /** Sample (merged PRs, or what the metric counts) each group needs in each window (default 20). */
  min_sample: whole('a sample size, such as 20', 1, 1_000_000).optional(),
  /** Level of the bootstrap intervals (default 0.9). */
  confidence: z
    .number({ error: expecting('a level between 0.5 and 0.99, such as 0.9') })
    .min(0.5, 'expected a level between 0.5 and 0.99')
    .max(0.99, 'expected a level between 0.5 and 0.99')
    .optional(),
  resamples: whole('a number of bootstrap resamples, such as 2000', 200, 100_000).optional(),
  seed: whole('a whole number seed, such as 1', 0, 2 ** 32 - 1).optional(),
});
export type ExperimentEntry = z.infer<typeof experimentSchema>;

export interface ExperimentMetric {
  metric: string;
  title: string;
  unit: string;
  target: Target;
}

/** An experiment as the analysis uses it: windows as half-open day ranges, defaults filled in. */
export interface Experiment {
  id: string;
  title: string;
  hypothesis: string;
  success: string;
  treatment: string[];
  control: string[];
  sprintWeeks: number;
  baseline: DayWindow;
  test: DayWindow;
  metrics: ExperimentMetric[];
  minWeeks: number;
  minSample: number;
  confidence: number;
  resamples: number;
  seed: number;
  /** Where it was written: the org file, or the API (stored). */
  origin: 'file' | 'api';
  /** The entry as written (snake_case), for the API and the report's appendix. */
  entry: ExperimentEntry;
}

export const EXPERIMENT_DEFAULTS = {
  sprintWeeks: 2,
  minWeeks: 3,
  minSample: 20,
  confidence: 0.9,
  resamples: 2000,
  seed: 1,
} as const;

export interface ExperimentIssue {
  path: (string | number)[];
  message: string;
}

function windowOf(w: z.infer<typeof windowSchema>, sprintWeeks: number): DayWindow {
  const weeks = w.weeks ?? (w.sprints ?? 1) * sprintWeeks;
  return { since: w.from, until: addDays(w.from, 7 * weeks) };
}

/** Whether a catalog metric can be an experiment metric: it must exist and split by team. */
export function experimentMetricProblem(metric: string): string | null {
  const definition = findMetric(metric);
  if (!definition) return `no metric "${metric.slice(0, 80)}" in the catalog (see mileage metrics list)`;
  const query = findQuery(metric);
  if (!query?.dims.includes('team'))
    return `${metric} cannot be computed per team, so it cannot compare treatment and control teams`;
  return null;
}

/**
 * Validates one experiment entry. `knownTeams` are the team ids it may name (the org file's, or the
 * directory's for the API); every problem is returned, each at its field path.
 */
export function validateExperiment(
  raw: unknown,
  knownTeams: ReadonlySet<string>,
  origin: Experiment['origin'],
): { ok: true; value: Experiment } | { ok: false; issues: ExperimentIssue[] } {
  const parsed = experimentSchema.safeParse(raw, { error: zodMessage });
  if (!parsed.success)
    return {
      ok: false,
      issues: parsed.error.issues.flatMap((i) => {
        const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
        if (i.code === 'unrecognized_keys')
          return i.keys.map((key) => ({ path: [...path, key], message: `unknown field "${key}"` }));
        return [{ path, message: i.message }];
      }),
    };
  const e = parsed.data;
  const issues: ExperimentIssue[] = [];
  const teams = (side: 'treatment' | 'control') =>
    e[side].map((t, i) => {
      const team = String(t).trim();
      if (!knownTeams.has(team))
        issues.push({
          path: [side, i],
          message: `no team "${team.slice(0, 80)}" (teams: ${[...knownTeams].slice(0, 12).join(', ') || 'none'})`,
        });
      return team;
    });
  const treatment = teams('treatment');
  const control = teams('control');
  control.forEach((t, i) => {
    if (treatment.includes(t))
      issues.push({ path: ['control', i], message: `team "${t}" is in both treatment and control` });
  });
  const sprintWeeks = e.sprint_weeks ?? EXPERIMENT_DEFAULTS.sprintWeeks;
  const baseline = windowOf(e.baseline, sprintWeeks);
  const test = windowOf(e.test, sprintWeeks);
  if (test.since < baseline.until)
    issues.push({
      path: ['test', 'from'],
      message: `expected the test to start on or after the baseline's end (${baseline.until}): the two windows may not overlap`,
    });
  const metrics: ExperimentMetric[] = [];
  const seen = new Map<string, number>();
  e.metrics.forEach((m, i) => {
    const problem = experimentMetricProblem(m.metric);
    if (problem) issues.push({ path: ['metrics', i, 'metric'], message: problem });
    const first = seen.get(m.metric);
    if (first !== undefined)
      issues.push({ path: ['metrics', i, 'metric'], message: `${m.metric} is already metrics[${first}]` });
    seen.set(m.metric, i);
    const target = parseTarget(m.target);
    if (!target.ok) issues.push({ path: ['metrics', i, 'target'], message: target.error });
    const definition = findMetric(m.metric);
    if (!problem && target.ok && definition)
      metrics.push({
        metric: m.metric,
        title: definition.title,
        unit: definition.unit,
        target: target.value,
      });
  });
  if (issues.length) return { ok: false, issues };
  return {
    ok: true,
    value: {
      id: e.id,
      title: e.title,
      hypothesis: e.hypothesis,
      success: e.success,
      treatment,
      control,
      sprintWeeks,
      baseline,
      test,
      metrics,
      minWeeks: e.min_weeks ?? EXPERIMENT_DEFAULTS.minWeeks,
      minSample: e.min_sample ?? EXPERIMENT_DEFAULTS.minSample,
      confidence: e.confidence ?? EXPERIMENT_DEFAULTS.confidence,
      resamples: e.resamples ?? EXPERIMENT_DEFAULTS.resamples,
      seed: e.seed ?? EXPERIMENT_DEFAULTS.seed,
      origin,
      entry: e,
    },
  };
}

/** The fields allowed where an unknown one was written, to suggest the one meant. */
export function knownExperimentFields(path: readonly (string | number)[]): string[] | undefined {
  if (path.length === 0) return Object.keys(experimentSchema.shape);
  if (path.length === 1 && (path[0] === 'baseline' || path[0] === 'test'))
    return ['from', 'weeks', 'sprints'];
  if (path.length === 2 && path[0] === 'metrics') return Object.keys(metricSchema.shape);
  return undefined;
}
