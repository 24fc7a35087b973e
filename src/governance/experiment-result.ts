import type { Privacy } from '../domain/directory.js';
import { formatUsd, type Usd } from '../domain/money.js';
import { addDays, type DayWindow } from '../domain/time.js';
import { filteredContext } from '../metrics/filter.js';
import type { MetricContext, Viewer } from '../metrics/metric.js';
import { protectsGroups, tooFew } from '../metrics/privacy.js';
import { findQuery } from '../metrics/registry.js';
import { spendTotals } from '../metrics/spend.js';
import type { Db } from '../store/db.js';
import type { Experiment } from './experiment-config.js';
import { estimate, type Estimate, type TeamWeekValue } from './experiment-estimate.js';
import { genericMeasure, measureFor, type Measure } from './experiment-measure.js';
import { formatFigure } from './experiment-format.js';
import {
  judgeMetric,
  overallVerdict,
  type MetricVerdict,
  type OverallVerdict,
} from './experiment-verdict.js';

export type ExperimentStatus = 'planned' | 'running' | 'finished';

export interface MetricResult {
  metric: string;
  title: string;
  unit: string;
  target: string;
  sampleUnit: string;
  estimate: Estimate;
  verdict: MetricVerdict;
  /** The per team and week values the estimate is made from (the metric as the catalog answers it). */
  teamWeeks: TeamWeekValue[];
}

export interface GroupSpend {
  baseline: Usd;
  test: Usd;
}

export interface ExperimentResult {
  experiment: Experiment;
  status: ExperimentStatus;
  /** The day the result was computed for (weeks from it on are not in yet). */
  asOf: string;
  /** Set when the privacy settings keep this audience from the figures: why. */
  withheld: string | null;
  /** AI spend of each group in each window (the ledger, exact decimals). */
  spend: { treatment: GroupSpend; control: GroupSpend } | null;
  metrics: MetricResult[];
  overall: OverallVerdict;
  /** "PR throughput per engineer +38% at $4,100 of AI spend; control +4%". */
  headline: string;
}

export interface ExperimentInputs {
  db: Db;
  privacy: Privacy;
  viewer: Viewer;
  /** Today in the org's time zone: weeks from its Monday on are not complete. */
  today: string;
}

/** The Mondays of a window. */
export function weeksOf(w: DayWindow): string[] {
  const out: string[] = [];
  for (let d = w.since; d < w.until; d = addDays(d, 7)) out.push(d);
  return out;
}

/** People per team in the directory: the minimum group size is judged on them. */
async function headcounts(db: Db, teams: readonly string[]): Promise<Map<string, number>> {
  const wanted = new Set(teams);
  const rows = await db.query(
    'SELECT team_id, count(*) AS n FROM dir_people WHERE team_id IS NOT NULL GROUP BY 1',
  );
  return new Map(
    rows.filter((r) => wanted.has(String(r.team_id))).map((r) => [String(r.team_id), Number(r.n)]),
  );
}

/** One catalog metric per team and complete week of both windows, read by its measure. */
async function teamWeeks(
  ctx: MetricContext,
  metric: string,
  weeks: readonly string[],
  teams: ReadonlySet<string>,
): Promise<{ values: TeamWeekValue[]; measure: Measure }> {
  const query = findQuery(metric);
  if (!query) throw new Error(`${metric} is not a metric the catalog can compute`);
  let measure = measureFor(metric);
  // The weeks are independent questions: asked together, the store's read connections answer them in parallel.
  const tables = await Promise.all(
    weeks.map((week) => query.run({ ...ctx, window: { since: week, until: addDays(week, 7) } }, 'team')),
  );
  const values: TeamWeekValue[] = [];
  tables.forEach((table, i) => {
    const week = weeks[i] as string;
    measure ??= genericMeasure(table);
    for (const [team, v] of measure.read(table)) if (teams.has(team)) values.push({ team, week, ...v });
  });
  return { values, measure: measure ?? { sampleUnit: 'team-weeks with a value', read: () => new Map() } };
}

async function groupSpend(ctx: MetricContext, teams: string[], e: Experiment): Promise<GroupSpend> {
  const narrowed = filteredContext(ctx, { teams });
  const [baseline, test] = await Promise.all([
    spendTotals({ ...narrowed, window: e.baseline }),
    spendTotals({ ...narrowed, window: e.test }),
  ]);
  return { baseline: baseline.cost, test: test.cost };
}

function statusOf(e: Experiment, today: string): ExperimentStatus {
  if (today < e.test.since) return 'planned';
  return today < e.test.until ? 'running' : 'finished';
}

/**
 * The result of an experiment: each metric's difference in differences with its interval, sprint by sprint,
 * and its verdict; the overall verdict; the AI spend of both groups beside it. Only complete weeks count: a
 * running experiment is judged on the weeks so far and is never called met before its test window ends.
 */
export async function experimentResult(e: Experiment, inputs: ExperimentInputs): Promise<ExperimentResult> {
  const ctx: MetricContext = {
    db: inputs.db,
    window: { since: e.baseline.since, until: e.test.until },
    privacy: inputs.privacy,
    viewer: inputs.viewer,
  };
  const status = statusOf(e, inputs.today);
  const complete = (w: string) => addDays(w, 7) <= inputs.today;
  const baselineWeeks = weeksOf(e.baseline).filter(complete);
  const testWeeks = weeksOf(e.test).filter(complete);
  const teams = [...e.treatment, ...e.control];

  const base = { experiment: e, status, asOf: inputs.today };
  if (protectsGroups(inputs.privacy, inputs.viewer)) {
    const sizes = await headcounts(inputs.db, teams);
    const small = teams.filter((t) => tooFew(sizes.get(t) ?? 0, inputs.privacy.minGroupSize));
    if (small.length) {
      const reason = `privacy: ${small.length === 1 ? 'a team' : `${small.length} teams`} of the experiment ${small.length === 1 ? 'has' : 'have'} fewer than ${inputs.privacy.minGroupSize} people (min_group_size), so its figures are not shown to this audience`;
      return {
        ...base,
        withheld: reason,
        spend: null,
        metrics: [],
        overall: { verdict: 'inconclusive', reason },
        headline: reason,
      };
    }
  }

  const [treatmentSpend, controlSpend] = await Promise.all([
    groupSpend(ctx, e.treatment, e),
    groupSpend(ctx, e.control, e),
  ]);
  const members = new Set(teams);
  const metrics: MetricResult[] = [];
  for (const m of e.metrics) {
    const { values, measure } = await teamWeeks(ctx, m.metric, [...baselineWeeks, ...testWeeks], members);
    const est = estimate(values, {
      baselineWeeks,
      testWeeks,
      treatment: e.treatment,
      control: e.control,
      sprintWeeks: e.sprintWeeks,
      resamples: e.resamples,
      confidence: e.confidence,
      seed: e.seed,
    });
    let verdict = judgeMetric(m.target, est, {
      minWeeks: e.minWeeks,
      minSample: e.minSample,
      confidence: e.confidence,
      sampleUnit: measure.sampleUnit,
      format: (v, scale) => formatFigure(v, scale, m.unit),
    });
    if (status !== 'finished' && verdict.verdict !== 'inconclusive')
      verdict = {
        ...verdict,
        verdict: 'inconclusive',
        reason:
          status === 'planned'
            ? `the test starts on ${e.test.since}`
            : `the test runs until ${e.test.until} (${testWeeks.length} of ${weeksOf(e.test).length} weeks in); so far: ${verdict.reason}`,
      };
    metrics.push({
      metric: m.metric,
      title: m.title,
      unit: m.unit,
      target: m.target.text,
      sampleUnit: measure.sampleUnit,
      estimate: est,
      verdict,
      teamWeeks: values,
    });
  }
  const overall = overallVerdict(metrics.map((m) => ({ title: m.title, verdict: m.verdict })));
  return {
    ...base,
    withheld: null,
    spend: { treatment: treatmentSpend, control: controlSpend },
    metrics,
    overall,
    headline: headline(metrics[0], treatmentSpend.test),
  };
}

function headline(first: MetricResult | undefined, spend: Usd): string {
  if (!first) return '';
  const pct = (v: number | null) => (v === null ? 'n/a' : formatFigure(v, 'relative', first.unit));
  return `${first.title} ${pct(first.estimate.treatment.relative)} at ${formatUsd(spend, 0)} of AI spend; control ${pct(first.estimate.control.relative)}`;
}
