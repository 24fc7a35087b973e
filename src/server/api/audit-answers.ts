import type { AuditResult, CandidateResult, ModelFigures } from '../../audit/evaluate.js';
import type { StoredAudit } from '../../audit/stored-runs.js';
import type { RequirementVerdict } from '../../audit/verdict.js';

/**
 * The JSON of the audit endpoints, shaped from what the store keeps (audit_runs.result_json). Only figures,
 * verdicts, reasons and case ids: a stored result holds no request or answer text, and these shapes copy
 * fields by name, so nothing added to a result later reaches a client unread.
 */

/** Failing cases listed per requirement; the count is always whole. */
const MAX_FAILURES = 1_000;

export interface RunSummary {
  id: string;
  workflow: string;
  workflowLabel: string;
  barVersion: number;
  finishedAt: string;
  cases: number;
  incumbent: string;
  candidates: {
    model: string;
    verdict: string;
    /** The requirement the verdict is quoted on (the first failing, else the one over the most cases). */
    requirement: string;
    passed: number;
    n: number;
    rate: number;
    interval: { low: number; high: number };
    required: number;
    costPerCase: string | null;
    monthlySaving: string | null;
  }[];
}

export function runSummary(a: StoredAudit, label: string): RunSummary {
  return {
    id: a.id,
    workflow: a.workflow,
    workflowLabel: label,
    barVersion: a.barVersion,
    finishedAt: a.finishedAt,
    cases: a.cases,
    incumbent: a.incumbent,
    candidates: a.verdicts.map((v) => ({
      model: v.candidate,
      verdict: v.verdict,
      requirement: v.requirement,
      passed: v.passed,
      n: v.n,
      rate: v.rate,
      interval: { low: v.low, high: v.high },
      required: v.required,
      costPerCase: v.costPerCase,
      monthlySaving: v.monthlySaving,
    })),
  };
}

function figures(f: ModelFigures) {
  return {
    model: f.model,
    target: f.target,
    answered: f.answered,
    /** Mean USD per answered case from the responses' usage; null: no answer could be priced (never $0). */
    costPerCase: f.costPerCase,
    total: f.total,
    unpriced: f.unpriced,
    latencyMs: { p50: f.latencyMs.p50, p95: f.latencyMs.p95 },
  };
}

function requirement(r: RequirementVerdict) {
  return {
    name: r.name,
    tags: [...r.tags],
    required: r.required,
    n: r.n,
    passed: r.passed,
    rate: r.rate,
    interval: { low: r.interval.low, high: r.interval.high },
    pValue: r.pValue,
    status: r.status,
    casesNeeded: r.casesNeeded,
    unanswered: r.unanswered,
    unscored: r.unscored,
    paired: r.paired
      ? {
          cases: r.paired.cases,
          incumbentPassed: r.paired.incumbentPassed,
          onlyIncumbent: r.paired.onlyIncumbent,
          onlyCandidate: r.paired.onlyCandidate,
          mcnemarP: r.paired.mcnemarP,
          difference: r.paired.difference,
          interval: { low: r.paired.interval.low, high: r.paired.interval.high },
          nonInferior: r.paired.nonInferior,
        }
      : null,
    failureCount: r.failures.length,
    /** By case id, with the reason in words about fields and limits (never the answer's text). */
    failures: r.failures
      .slice(0, MAX_FAILURES)
      .map((f) => ({ caseId: f.caseId, trial: f.trial, why: f.why })),
  };
}

function candidate(c: CandidateResult) {
  return {
    ...figures(c.figures),
    model: c.model,
    verdict: c.verdict,
    reasons: [...c.reasons],
    moreCasesNeeded: c.moreCasesNeeded,
    monthlySaving: c.monthlySaving,
    requirements: c.requirements.map(requirement),
  };
}

export function runDetail(a: StoredAudit, label: string, result: AuditResult) {
  return {
    run: {
      id: a.id,
      workflow: a.workflow,
      workflowLabel: label,
      barVersion: result.bar.version,
      finishedAt: a.finishedAt,
      cases: result.cases,
      trials: result.trials,
      auditCost: result.auditCost,
      judgeCost: result.judgeCost,
      unpricedAnswers: result.unpricedAnswers,
      unanswered: result.unanswered,
    },
    incumbent: figures(result.incumbent),
    candidates: result.candidates.map(candidate),
  };
}
