import type { Check, QualityBar, Requirement } from './bar.js';
import { runCheck, type ScoredAnswer } from './checks.js';
import { inSubset, type AuditCase } from './dataset.js';

/** A model's answers by case id, one per trial (undefined: that trial has no answer yet, or it failed). */
export type AnswerTable = ReadonlyMap<string, readonly (ScoredAnswer | undefined)[]>;

/** A judge's recorded score for one model's answer to one case and trial under one judge check. */
export type JudgeLookup = (
  check: Extract<Check, { kind: 'llm_judge' }>,
  caseId: string,
  trial: number,
  answer: ScoredAnswer,
) => number | null;

export interface CaseFailure {
  caseId: string;
  trial: number;
  /** Why, in words about fields and limits: never the answer's text. */
  why: string;
}

export interface RequirementScore {
  name: string;
  tags: string[];
  required: number;
  /** Cases of the subset that were scored (answered in every trial, every check scoreable). */
  n: number;
  passed: number;
  /** Subset cases left out: a trial unanswered, or a check that could not be scored from the record. */
  unanswered: number;
  unscored: number;
  failures: CaseFailure[];
  /** Per scored case: did it pass. The paired comparison with the incumbent reads it. */
  outcomes: Map<string, boolean>;
}

function scoreRequirement(
  req: Requirement,
  trials: number,
  cases: readonly AuditCase[],
  answers: AnswerTable,
  incumbent: AnswerTable | null,
  judge: JudgeLookup,
): RequirementScore {
  const score: RequirementScore = {
    name: req.name,
    tags: req.tags ?? [],
    required: req.pass_rate,
    n: 0,
    passed: 0,
    unanswered: 0,
    unscored: 0,
    failures: [],
    outcomes: new Map(),
  };
  for (const c of cases) {
    if (!inSubset(c, req.tags)) continue;
    const own = answers.get(c.id);
    const theirs = incumbent?.get(c.id);
    let status: 'pass' | 'fail' | 'unscored' | 'unanswered' = 'pass';
    let failure: CaseFailure | null = null;
    for (let t = 0; t < trials; t++) {
      const answer = own?.[t];
      const reference = incumbent ? (theirs?.[t] ?? theirs?.[0]) : null;
      if (!answer || (incumbent && !reference)) {
        status = 'unanswered';
        break;
      }
      for (const check of req.checks) {
        const outcome = runCheck(check, {
          answer,
          reference: c.reference,
          incumbent: reference ?? null,
          judgeScore: (j) => judge(j, c.id, t, answer),
        });
        if (outcome.status === 'fail' && status !== 'fail') {
          status = 'fail';
          failure = { caseId: c.id, trial: t, why: outcome.why };
        } else if (outcome.status === 'unscored' && status === 'pass') {
          status = 'unscored';
        }
      }
    }
    if (status === 'unanswered') score.unanswered++;
    else if (status === 'unscored') score.unscored++;
    else {
      score.n++;
      score.outcomes.set(c.id, status === 'pass');
      if (status === 'pass') score.passed++;
      else if (failure) score.failures.push(failure);
    }
  }
  return score;
}

/**
 * Scores one model's answers against a bar: per requirement, how many of its subset's cases passed every check
 * in every trial. `incumbent` is the incumbent's answers for agreement checks (null when scoring the incumbent).
 */
export function scoreModel(
  bar: QualityBar,
  cases: readonly AuditCase[],
  answers: AnswerTable,
  incumbent: AnswerTable | null,
  judge: JudgeLookup,
): RequirementScore[] {
  return bar.requirements.map((req) => scoreRequirement(req, bar.trials, cases, answers, incumbent, judge));
}
