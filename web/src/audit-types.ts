/** The JSON of the audit endpoints (src/server/api/audit-answers.ts, quality-bar-routes.ts) the dashboard reads. */
export interface Interval {
  low: number;
  high: number;
}

export interface RunSummary {
  id: string;
  workflow: string;
  workflowLabel: string;
  barVersion: number;
  finishedAt: string;
  cases: number;
  incumbent: string;
  candidates: { model: string; verdict: string; rate: number; interval: Interval; required: number }[];
}

export interface Figures {
  model: string;
  answered: number;
  costPerCase: string | null;
  unpriced: number;
  latencyMs: { p50: number | null; p95: number | null };
}

export interface RequirementResult {
  name: string;
  tags: string[];
  required: number;
  n: number;
  passed: number;
  rate: number;
  interval: Interval;
  pValue: number;
  status: 'pass' | 'fail' | 'undecided';
  casesNeeded: number | null;
  paired: {
    cases: number;
    incumbentPassed: number;
    onlyIncumbent: number;
    onlyCandidate: number;
    mcnemarP: number;
    difference: number;
    interval: Interval;
    nonInferior: boolean | null;
  } | null;
  failureCount: number;
  failures: { caseId: string; trial: number; why: string }[];
}

export interface CandidateResult extends Figures {
  verdict: 'move' | 'keep' | 'inconclusive';
  reasons: string[];
  moreCasesNeeded: number | null;
  monthlySaving: string | null;
  requirements: RequirementResult[];
}

export interface RunDetail {
  run: {
    id: string;
    workflow: string;
    workflowLabel: string;
    barVersion: number;
    finishedAt: string;
    cases: number;
    trials: number;
    auditCost: string;
    unpricedAnswers: number;
    unanswered: number;
  };
  incumbent: Figures;
  candidates: CandidateResult[];
}

export interface BarCheck {
  kind: string;
  [field: string]: unknown;
}

export interface BarVersion {
  version: number;
  sources: ('mileage.yaml' | 'api')[];
  writtenAt: string | null;
  bar: {
    description?: string;
    margin?: number;
    trials: number;
    requirements: { name: string; tags?: string[]; pass_rate: number; checks: BarCheck[] }[];
  };
}

export interface WorkflowBars {
  workflow: string;
  label: string;
  current: number | null;
  versions: BarVersion[];
  conflicts: string[];
}
