import { formatUsd, ZERO_USD, type Usd } from '../domain/money.js';
import type { PriceBook } from '../pricing/price-book.js';
import type { QualityBar } from './bar.js';
import type { ScoredAnswer } from './checks.js';
import type { ResultsLog } from './results-log.js';
import { judgesOf, planTasks, tokensCost, type RunInputs } from './runner.js';
import { scoreModel, type AnswerTable, type JudgeLookup } from './scorer.js';
import { percentile } from './statistics.js';
import { judgementKey } from './task-key.js';
import { decide, type CandidateVerdict } from './verdict.js';

/** One model's figures in an audit, from its recorded answers. Money as exact decimal strings. */
export interface ModelFigures {
  target: string;
  model: string;
  answered: number;
  /** Mean cost of an answer, priced from its usage; null when none could be priced. */
  costPerCase: string | null;
  total: string;
  unpriced: number;
  latencyMs: { p50: number | null; p95: number | null };
}

export interface CandidateResult extends CandidateVerdict {
  figures: ModelFigures;
  /** At the workload's monthly spend on the incumbent, what this candidate would save (null: not known). */
  monthlySaving: string | null;
}

export interface AuditResult {
  bar: { workflow: string; version: number };
  cases: number;
  trials: number;
  incumbent: ModelFigures;
  candidates: CandidateResult[];
  /** What the judge calls cost (counted in the audit's cost, not in any model's cost per case). */
  judgeCost: string;
  /** The audit's own cost: every answer and judgement priced (unpriced ones listed apart). */
  auditCost: string;
  unpricedAnswers: number;
  /** Cases some target has no answer for (failed, skipped by the cap, or not yet asked). */
  unanswered: number;
}

const round = (v: number) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : null);

/**
 * Scores what the log holds against a bar: the same function for a finished run, a resumed one and `--replay`
 * with a changed bar (nothing here calls a model). Judge checks whose rubric or judge changed since the
 * answers were judged are unscored, never guessed.
 */
export function evaluate(
  inputs: RunInputs,
  bar: QualityBar,
  log: ResultsLog,
  book: PriceBook,
  monthlySpend: Usd | null,
): AuditResult {
  const { tasks } = planTasks({ ...inputs, bar });
  const tables = new Map<string, Map<string, (ScoredAnswer | undefined)[]>>();
  const keyOf = new WeakMap<ScoredAnswer, string>();
  const money = new Map<string, { total: Usd; priced: number; unpriced: number; latencies: number[] }>();
  for (const t of inputs.targets) {
    tables.set(t.id, new Map());
    money.set(t.id, { total: ZERO_USD, priced: 0, unpriced: 0, latencies: [] });
  }
  const answeredCases = new Map<string, Set<string>>();
  for (const task of tasks) {
    const entry = log.get(task.key);
    const table = tables.get(task.target.id);
    const m = money.get(task.target.id);
    if (!table || !m) continue;
    const row = table.get(task.c.id) ?? [];
    table.set(task.c.id, row);
    if (!entry || entry.t !== 'answer') continue;
    const cost = tokensCost(book, task.target, new Date(entry.at), entry.tokens);
    const answer: ScoredAnswer = { text: entry.text, latencyMs: entry.latencyMs, cost };
    keyOf.set(answer, entry.key);
    row[task.trial] = answer;
    if (cost === null) m.unpriced++;
    else {
      m.total = m.total.plus(cost);
      m.priced++;
    }
    m.latencies.push(entry.latencyMs);
    const seen = answeredCases.get(task.target.id) ?? new Set();
    seen.add(task.c.id);
    answeredCases.set(task.target.id, seen);
  }

  const judges = judgesOf(bar);
  const judge: JudgeLookup = (check, _caseId, _trial, answer) => {
    const answerKey = keyOf.get(answer);
    const j = judges.find((x) => x.check === check);
    if (!answerKey || !j) return null;
    const entry = log.get(judgementKey(j.target, check.rubric, answerKey));
    return entry?.t === 'judgement' ? entry.score : null;
  };

  const figures = (id: string): ModelFigures => {
    const m = money.get(id);
    const target = inputs.targets.find((t) => t.id === id);
    const perCase = m && m.priced > 0 ? m.total.dividedBy(m.priced) : null;
    return {
      target: id,
      model: target?.model ?? id,
      answered: answeredCases.get(id)?.size ?? 0,
      costPerCase: perCase === null ? null : perCase.toDecimalPlaces(10).toFixed(),
      total: (m?.total ?? ZERO_USD).toDecimalPlaces(10).toFixed(),
      unpriced: m?.unpriced ?? 0,
      latencyMs: {
        p50: round(percentile(m?.latencies ?? [], 0.5)),
        p95: round(percentile(m?.latencies ?? [], 0.95)),
      },
    };
  };

  const [incumbentTarget, ...candidateTargets] = inputs.targets;
  if (!incumbentTarget) throw new Error('an audit needs an incumbent');
  const incumbentTable = tables.get(incumbentTarget.id) as AnswerTable;
  const incumbentScores = scoreModel(bar, inputs.cases, incumbentTable, null, judge);
  const incumbent = figures(incumbentTarget.id);
  const candidates = candidateTargets.map((t): CandidateResult => {
    const scores = scoreModel(bar, inputs.cases, tables.get(t.id) as AnswerTable, incumbentTable, judge);
    const verdict = decide(bar, t.model, scores, incumbentScores, inputs.cases.length);
    const f = figures(t.id);
    let monthlySaving: string | null = null;
    if (
      monthlySpend !== null &&
      f.costPerCase !== null &&
      incumbent.costPerCase !== null &&
      Number(incumbent.costPerCase) > 0
    ) {
      const ratio = ZERO_USD.plus(f.costPerCase).dividedBy(incumbent.costPerCase);
      monthlySaving = monthlySpend.times(ZERO_USD.plus(1).minus(ratio)).toDecimalPlaces(2).toFixed(2);
    }
    return { ...verdict, figures: f, monthlySaving };
  });

  let judgeCost = ZERO_USD;
  let unpricedAnswers = 0;
  for (const e of log.entries()) {
    if (e.t !== 'judgement') continue;
    const j = judges.find((x) => x.target.id === e.judge);
    const cost = j ? tokensCost(book, j.target, new Date(e.at), e.tokens) : null;
    if (cost === null) unpricedAnswers++;
    else judgeCost = judgeCost.plus(cost);
  }
  let modelsCost = ZERO_USD;
  for (const m of money.values()) {
    modelsCost = modelsCost.plus(m.total);
    unpricedAnswers += m.unpriced;
  }
  const all = new Set(inputs.cases.map((c) => c.id));
  let unanswered = 0;
  for (const id of all) {
    if (inputs.targets.some((t) => !answeredCases.get(t.id)?.has(id))) unanswered++;
  }
  return {
    bar: { workflow: bar.workflow, version: bar.version },
    cases: inputs.cases.length,
    trials: bar.trials,
    incumbent,
    candidates,
    judgeCost: judgeCost.toDecimalPlaces(10).toFixed(),
    auditCost: modelsCost.plus(judgeCost).toDecimalPlaces(10).toFixed(),
    unpricedAnswers,
    unanswered,
  };
}

/** "claude-haiku-4-5 passes 97.0% [95.3–98.1%] of 600 cases, bar 95%": the headline of one candidate. */
export function headline(c: CandidateResult): string {
  const main = c.requirements.find((r) => r.status === 'fail') ?? c.requirements.at(-1);
  if (!main) return `${c.model}: ${c.verdict}`;
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const saving =
    c.monthlySaving === null ? '' : `; saves ${formatUsd(ZERO_USD.plus(c.monthlySaving), 0)} a month`;
  return `${c.model} ${c.verdict === 'keep' ? 'fails' : 'passes'} ${pct(main.rate)} [${pct(main.interval.low)}–${pct(main.interval.high)}] of ${main.n} cases, bar ${pct(main.required)}${saving}`;
}
