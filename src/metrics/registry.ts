import { workAllocationMetric } from './allocation.js';
import { churnShareMetric } from './churn.js';
import { keysForSpendMetric, top4ShiftMetric } from './concentration.js';
import { evidenceCoverageMetric } from './coverage.js';
import type { QueryableMetric } from './define.js';
import { aiAssistedShareMetric, cycleTimeMetric } from './delivery-flow.js';
import {
  costPerClosedTicketMetric,
  costPerMergedPrMetric,
  costPerWorkflowOutcomeMetric,
  tokensPerPointMetric,
  tokensPerSessionMetric,
} from './effectiveness.js';
import { costPerMtokMetric, expectedBandMetric } from './efficiency.js';
import { epicLeadTimeMetric } from './epic-lead-time.js';
import { deliveryQuadrantMetric } from './quadrant.js';
import { reworkTaxMetric } from './quality.js';
import { roiMetric } from './roi.js';
import { seatUtilisationMetric } from './seats.js';
import { spendTotalMetric, tokensPerDollarMetric } from './spend-table.js';
import { modelMixMetric, spendCalendarMetric } from './spend-series.js';
import { throughputMetric } from './throughput.js';
import { spendForecastMetric, trajectoryGrowthMetric } from './trajectory.js';

/**
 * Every catalog metric `mileage query METRIC [--by DIM]` and `GET /api/v1/metrics/:id` answer, each defined
 * once (metrics/define.ts) with the dimensions it can be grouped by (empty: its rows are fixed — days, weeks,
 * horizons, levels). `whatif.reprice` takes a scenario and has a command of its own.
 */
export const QUERIES: readonly QueryableMetric[] = [
  spendTotalMetric,
  tokensPerDollarMetric,
  spendCalendarMetric,
  modelMixMetric,
  seatUtilisationMetric,
  costPerMtokMetric,
  expectedBandMetric,
  costPerMergedPrMetric,
  costPerClosedTicketMetric,
  costPerWorkflowOutcomeMetric,
  tokensPerSessionMetric,
  tokensPerPointMetric,
  aiAssistedShareMetric,
  churnShareMetric,
  cycleTimeMetric,
  epicLeadTimeMetric,
  top4ShiftMetric,
  keysForSpendMetric,
  deliveryQuadrantMetric,
  reworkTaxMetric,
  trajectoryGrowthMetric,
  spendForecastMetric,
  workAllocationMetric,
  roiMetric,
  evidenceCoverageMetric,
  throughputMetric,
];

export type { QueryableMetric };

export function findQuery(id: string): QueryableMetric | undefined {
  return QUERIES.find((q) => q.id === id);
}
