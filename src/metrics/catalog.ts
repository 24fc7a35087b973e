import { RETURN_METRICS } from './catalog-returns.js';
import type { MetricDefinition } from './metric.js';

/**
 * The metric catalog: id, question, formula, unit, direction, caveats and minimum sample of every number
 * Mileage shows. `mileage metrics show ID` prints an entry; each query module cites its id.
 */
const CORE_METRICS = [
  {
    id: 'spend.total',
    title: 'AI spend',
    question: 'How much did AI cost in this window?',
    formula:
      'Σ ledger.cost over the window (authoritative per stream and day: billed > provider_reported > list_estimate)',
    unit: 'USD',
    direction: 'neutral',
    caveats: ['Unpriced usage is excluded from the dollar total and reported as unpriced volume.'],
    minSample: 'none',
  },
  {
    id: 'spend.by_workload',
    title: 'Spend by workload',
    question: 'Where did the money go: which keys, workflows and agents?',
    formula:
      'Σ ledger.cost grouped by workload = workflow, else API key, else tool × person (tool × team when individuals are not visible)',
    unit: 'USD and share of spend',
    direction: 'neutral',
    caveats: ['Unattributed remainders of billed totals form their own rows.'],
    minSample: 'none',
  },
  {
    id: 'concentration.top_n_share',
    title: 'Top-N share',
    question: 'How concentrated is spend: what share do the top N workloads take?',
    formula: 'Σ cost of the N largest workloads ÷ Σ cost',
    unit: 'share',
    direction: 'neutral',
    caveats: ['Depends on how finely workloads are split (keys vs workflows).'],
    minSample: '5 workloads',
  },
  {
    id: 'efficiency.tokens_per_dollar',
    title: 'Tokens per dollar',
    question: 'Is each dollar buying as many tokens as it should on this workload?',
    formula: '(input + cache read + cache write + output tokens) ÷ ledger cost, per workload',
    unit: 'tokens per USD',
    direction: 'higher_is_better',
    caveats: [
      'A crude proxy for model choice and caching: reasoning-heavy work legitimately buys fewer tokens per dollar.',
      'Compare within a workload type.',
    ],
    minSample: '$10 of spend',
  },
  {
    id: 'effectiveness.cost_per_merged_pr',
    title: 'Cost per merged PR',
    question: 'What does a merged PR cost in AI spend?',
    formula: 'Σ ledger.cost attributed to people ÷ merged PRs by those people (attribution: person × period)',
    unit: 'USD per PR',
    direction: 'lower_is_better',
    caveats: [
      'Person × period attribution: spend of a person in the window is spread over their merged PRs.',
      'Bots and workflows are excluded from the numerator.',
    ],
    minSample: '10 merged PRs',
  },
  {
    id: 'variance.cost_per_pr_spread',
    title: 'Spread of cost per merged PR on similar work',
    question: 'Who spends far more than their peers for similar output — worth a conversation, not a grade?',
    formula:
      "person's Σcost ÷ PRs against the cohort (same team) median; flagged when ≥ 3x and the 90% bootstrap interval (weeks resampled) stays above 1.5x",
    unit: 'ratio to cohort median',
    direction: 'lower_is_better',
    caveats: ['Cohort = team for now; size bands and repositories come with the full catalog.'],
    minSample: '8 merged PRs for the person, 20 for the peers, 4 weeks',
  },
  {
    id: 'model_fit.top_workload',
    title: 'Model fit of the top workload',
    question: 'Is the biggest workload on the right model?',
    formula:
      "top workload's tokens per dollar against the band of its workload type (efficiency.expected_band: configured in mileage.yaml, else the other workloads of the type across the org); flagged below a quarter of the peers' median or below a configured band's low edge, when a cheaper model would halve the cost; what-if = its tokens re-priced on cheaper models of the same provider",
    unit: 'ratio; USD saved',
    direction: 'higher_is_better',
    caveats: [
      'Whether a cheaper model clears the quality bar needs an audit on the same inputs.',
      'A workload alone in its type, with no configured band, has no peers: the finding says so and flags nothing.',
    ],
    minSample: '$50 of spend on the workload',
  },
  {
    id: 'trajectory.spend_vs_delivery',
    title: 'Spend growth against delivery growth',
    question: 'Is spend growing faster than what it delivers?',
    formula:
      'spend of the last 4 weeks ÷ the first 4 weeks of the period, against delivery points of the same weeks',
    unit: 'growth multiples',
    direction: 'neutral',
    caveats: ['Delivery points: ticket estimates where linked, else the capped size model.'],
    minSample: '12 weeks of data',
  },
  {
    id: 'quality.rework_share',
    title: 'Quality tax trend',
    question: 'Is the quality tax rising?',
    formula:
      'the quality tax (quality.rework_tax: rework PRs ÷ merged PRs) of the last 4 complete weeks against the first 4 weeks of the period (up to 26 weeks)',
    unit: 'share of merged PRs; share points',
    direction: 'lower_is_better',
    caveats: [
      'The same definition as quality.rework_tax over other windows: its change there is against the window just before.',
    ],
    minSample: '20 merged PRs in each 4 weeks',
  },
  {
    id: 'anomaly.daily_spike',
    title: 'Spend spike',
    question: 'Did any day cost far more than usual?',
    formula: 'daily spend > median + 6 × MAD of the preceding 28 days, and > 3x the median',
    unit: 'USD, multiple of baseline',
    direction: 'lower_is_better',
    caveats: [
      'Weekends have their own lower baseline in most orgs; the median keeps them from inflating it.',
    ],
    minSample: '14 days of history',
  },
  {
    id: 'anomaly.stuck_sessions',
    title: 'Stuck sessions',
    question: 'Did any agent session burn far more tokens than similar sessions?',
    formula:
      'tokens of a session ≥ 10 × the median tokens per session of its cohort (same tool and team) in the window',
    unit: 'tokens, multiple of the cohort median',
    direction: 'lower_is_better',
    caveats: [
      'A long, productive migration can look like a loop: read the session before judging it.',
      'Only sources that name sessions (agent logs, OTel) are examined; API traffic has none.',
    ],
    minSample: '20 sessions in the cohort',
  },
  {
    id: 'data.gaps',
    title: 'Data gaps',
    question: 'Did a source stop reporting, so that totals are missing days?',
    formula:
      'runs of ≥ 2 days inside the window with no record from a source that reported on ≥ 90% of the 28 days before',
    unit: 'days',
    direction: 'lower_is_better',
    caveats: ['Sources quiet at weekends report on under 90% of days and are not examined.'],
    minSample: '28 days of history for the source',
  },
  {
    id: 'data.unpriced_volume',
    title: 'Unpriced volume',
    question: 'How much usage has no known price (and so is missing from dollar totals)?',
    formula: 'Σ tokens of records whose model has no list price and no override',
    unit: 'tokens',
    direction: 'lower_is_better',
    caveats: ['Fix with a price override in mileage.yaml, then `mileage prices apply`.'],
    minSample: 'none',
  },
  {
    id: 'coverage.attributed_share',
    title: 'Attribution coverage',
    question: 'How much of the spend can be tied to a person, a workflow or nothing?',
    formula: 'Σ cost by attribution level ÷ Σ cost',
    unit: 'share',
    direction: 'higher_is_better',
    caveats: ['Unattributed remainders are billed dollars that no finer source explains.'],
    minSample: 'none',
  },
] as const satisfies readonly MetricDefinition[];

export const CATALOG = [...CORE_METRICS, ...RETURN_METRICS] as const;

export type MetricId = (typeof CATALOG)[number]['id'];

export function findMetric(id: string): MetricDefinition | undefined {
  return CATALOG.find((m) => m.id === id);
}
