import type { Usd } from '../domain/money.js';
import type { QualityBar } from './bar.js';
import type { CaseFailure, RequirementScore } from './scorer.js';
import {
  binomialLowerTail,
  binomialUpperTail,
  casesToDecide,
  mcnemarExact,
  pairedDifference,
  wilson,
  type Interval,
} from './statistics.js';

export const VERDICTS = ['move', 'keep', 'inconclusive'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** The paired comparison with the incumbent on the cases both were scored on. */
export interface PairedComparison {
  cases: number;
  incumbentPassed: number;
  /** Cases only the incumbent passed (b) and only the candidate passed (c): McNemar's discordant pairs. */
  onlyIncumbent: number;
  onlyCandidate: number;
  mcnemarP: number;
  /** Candidate rate minus incumbent rate, with its 95% interval. */
  difference: number;
  interval: Interval;
  /** Against the bar's margin: true non-inferior, false inferior, null undecided or no margin. */
  nonInferior: boolean | null;
}

export interface RequirementVerdict {
  name: string;
  tags: string[];
  required: number;
  n: number;
  passed: number;
  rate: number;
  interval: Interval;
  /**
   * One-sided exact binomial p-value against the required rate, in the direction observed: P(X ≥ passed) when
   * the rate is above the bar ("the bar is met by chance"), P(X ≤ passed) when below.
   */
  pValue: number;
  status: 'pass' | 'fail' | 'undecided';
  /** For an undecided requirement: total subset cases at which the observed rate would decide it. */
  casesNeeded: number | null;
  unanswered: number;
  unscored: number;
  failures: CaseFailure[];
  paired: PairedComparison | null;
}

export interface CandidateVerdict {
  model: string;
  verdict: Verdict;
  /** One line per reason, in words a manager reads. */
  reasons: string[];
  requirements: RequirementVerdict[];
  /** More dataset cases an inconclusive verdict needs (at the observed rates), null when none can tell. */
  moreCasesNeeded: number | null;
}

function paired(
  candidate: RequirementScore,
  incumbent: RequirementScore,
  margin: number | undefined,
): PairedComparison {
  let cases = 0;
  let incumbentPassed = 0;
  let b = 0;
  let c = 0;
  for (const [id, pass] of candidate.outcomes) {
    const theirs = incumbent.outcomes.get(id);
    if (theirs === undefined) continue;
    cases++;
    if (theirs) incumbentPassed++;
    if (theirs && !pass) b++;
    if (!theirs && pass) c++;
  }
  const d = pairedDifference(b, c, cases);
  const nonInferior =
    margin === undefined || cases === 0 ? null : d.low > -margin ? true : d.high < -margin ? false : null;
  return {
    cases,
    incumbentPassed,
    onlyIncumbent: b,
    onlyCandidate: c,
    mcnemarP: mcnemarExact(b, c),
    difference: d.difference,
    interval: { low: d.low, high: d.high },
    nonInferior,
  };
}

function requirementVerdict(
  score: RequirementScore,
  incumbent: RequirementScore | null,
  margin: number | undefined,
): RequirementVerdict {
  const { n, passed, required } = score;
  const rate = n === 0 ? 0 : passed / n;
  const interval = wilson(passed, n);
  let status: RequirementVerdict['status'];
  if (n === 0) status = 'undecided';
  else if (required === 1)
    status = passed === n ? 'pass' : 'fail'; // "every case": one failure fails it
  else if (interval.low >= required) status = 'pass';
  else if (interval.high < required) status = 'fail';
  else status = 'undecided';
  const pValue =
    n === 0
      ? 1
      : rate >= required
        ? binomialUpperTail(passed, n, required)
        : binomialLowerTail(passed, n, required);
  return {
    name: score.name,
    tags: score.tags,
    required,
    n,
    passed,
    rate,
    interval,
    pValue,
    status,
    casesNeeded: status === 'undecided' && required < 1 ? casesToDecide(rate, required, n) : null,
    unanswered: score.unanswered,
    unscored: score.unscored,
    failures: score.failures,
    paired: incumbent ? paired(score, incumbent, margin) : null,
  };
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/**
 * The verdict on one candidate against the bar, with its incumbent's scores on the same cases:
 * - keep when any requirement fails with confidence (its Wilson interval lies wholly below the required rate,
 *   or an "every case" requirement has a failure), or the paired comparison shows it worse than the
 *   incumbent by more than the bar's margin;
 * - move when every requirement passes with confidence (interval wholly at or above the rate) and, with a
 *   margin, it is non-inferior to the incumbent;
 * - inconclusive otherwise, with how many more cases would decide at the observed rates.
 */
export function decide(
  bar: QualityBar,
  model: string,
  candidate: readonly RequirementScore[],
  incumbent: readonly RequirementScore[] | null,
  totalCases: number,
): CandidateVerdict {
  const requirements = candidate.map((s, i) => requirementVerdict(s, incumbent?.[i] ?? null, bar.margin));
  const reasons: string[] = [];
  let keep = false;
  let undecided = false;
  let more: number | null = 0;
  for (const r of requirements) {
    const line = `${r.name}: ${r.passed} of ${r.n} (${pct(r.rate)} [${pct(r.interval.low)}–${pct(r.interval.high)}]), bar ${pct(r.required)}`;
    if (r.status === 'fail') {
      keep = true;
      reasons.push(`fails ${line}; ${r.failures.length} failing case${r.failures.length === 1 ? '' : 's'}`);
    } else if (r.status === 'undecided') {
      undecided = true;
      if (r.n === 0) {
        reasons.push(`${r.name}: no scored case in its subset`);
        more = null;
      } else {
        reasons.push(`undecided ${line}`);
        const share = r.n / Math.max(1, totalCases);
        if (r.casesNeeded === null || more === null) more = null;
        else more = Math.max(more, Math.ceil((r.casesNeeded - r.n) / share));
      }
    } else reasons.push(`passes ${line}`);
    if (r.paired && bar.margin !== undefined) {
      const p = r.paired;
      const diff = `${(p.difference * 100).toFixed(1)} points [${(p.interval.low * 100).toFixed(1)}, ${(p.interval.high * 100).toFixed(1)}] vs the incumbent, margin ${(bar.margin * 100).toFixed(1)}`;
      if (p.nonInferior === false) {
        keep = true;
        reasons.push(`${r.name}: worse than the incumbent by more than the margin (${diff})`);
      } else if (p.nonInferior === null) {
        undecided = true;
        reasons.push(`${r.name}: not shown within the margin of the incumbent (${diff})`);
        // The interval's half-width shrinks as 1/√n: the n at which it would clear −margin at this difference.
        const half = p.difference - p.interval.low;
        const room = p.difference + bar.margin;
        if (room > 0 && more !== null && p.cases > 0)
          more = Math.max(more, Math.ceil(p.cases * (half / room) ** 2) - p.cases);
        else more = null;
      }
    }
  }
  const verdict: Verdict = keep ? 'keep' : undecided ? 'inconclusive' : 'move';
  return { model, verdict, reasons, requirements, moreCasesNeeded: verdict === 'inconclusive' ? more : null };
}

/** Cost figures of one model in an audit: from its responses' real usage, priced as billed. */
export interface CostSummary {
  /** Mean over answered trials; null when no answer could be priced. */
  perCase: Usd | null;
  /** Answers that could not be priced (no price for the model): reported, never counted as $0. */
  unpriced: number;
  total: Usd;
}
