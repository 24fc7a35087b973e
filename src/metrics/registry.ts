import { workAllocationMetric } from './allocation.js';
import { defineTableMetric, type QueryableMetric } from './define.js';
import { spendTotalMetric, tokensPerDollarMetric } from './spend-table.js';
import { keysForSpend, top4Shift } from './concentration.js';
import { aiAssistedShareMetric, cycleTimeMetric } from './delivery-flow.js';
import {
  costPerClosedTicket,
  costPerMergedPr,
  costPerWorkflowOutcome,
  tokensPerPoint,
  tokensPerSession,
} from './effectiveness.js';
import { expectedBand, tokenEfficiency } from './efficiency.js';
import { epicLeadTime } from './epic-lead-time.js';
import { DELIVERY_DIMENSIONS } from './grouping.js';
import { QUADRANT_DIMENSIONS, deliveryQuadrant } from './quadrant.js';
import { churnShareMetric } from './churn.js';
import { reworkTaxMetric } from './quality.js';
import { DIMENSIONS, type Dimension } from './query.js';
import { evidenceCoverageMetric } from './coverage.js';
import { roi } from './roi.js';
import { seatUtilisationMetric } from './seats.js';
import { modelMixMetric, spendCalendarMetric } from './spend-series.js';
import { spendForecast, trajectoryGrowth } from './trajectory.js';
import { throughputMetric } from './throughput.js';

/**
 * Every catalog metric `mileage query METRIC [--by DIM]` and `GET /api/v1/metrics/:id` answer, each defined
 * once (metrics/define.ts) with the dimensions it can be grouped by (empty: its rows are fixed — days, weeks,
 * horizons, levels). `whatif.reprice` takes a scenario and has a command of its own.
 */
const SPEND_DIMS = DIMENSIONS;
const none: readonly Dimension[] = [];

export const QUERIES: readonly QueryableMetric[] = [
  spendTotalMetric,
  tokensPerDollarMetric,
  spendCalendarMetric,
  modelMixMetric,
  seatUtilisationMetric,
  defineTableMetric({
    id: 'efficiency.cost_per_mtok',
    dims: SPEND_DIMS,
    run: (ctx, by) => tokenEfficiency(ctx, by, 'efficiency.cost_per_mtok'),
  }),
  defineTableMetric({ id: 'efficiency.expected_band', dims: none, run: (ctx) => expectedBand(ctx) }),
  defineTableMetric({
    id: 'effectiveness.cost_per_merged_pr',
    dims: DELIVERY_DIMENSIONS,
    run: costPerMergedPr,
  }),
  defineTableMetric({
    id: 'effectiveness.cost_per_closed_ticket',
    dims: DELIVERY_DIMENSIONS,
    run: costPerClosedTicket,
  }),
  defineTableMetric({
    id: 'effectiveness.cost_per_workflow_outcome',
    dims: none,
    run: (ctx) => costPerWorkflowOutcome(ctx),
  }),
  defineTableMetric({ id: 'effectiveness.tokens_per_session', dims: SPEND_DIMS, run: tokensPerSession }),
  defineTableMetric({ id: 'effectiveness.tokens_per_point', dims: DELIVERY_DIMENSIONS, run: tokensPerPoint }),
  aiAssistedShareMetric,
  churnShareMetric,
  cycleTimeMetric,
  defineTableMetric({ id: 'effectiveness.epic_lead_time', dims: DELIVERY_DIMENSIONS, run: epicLeadTime }),
  defineTableMetric({ id: 'concentration.top4_shift', dims: none, run: (ctx) => top4Shift(ctx) }),
  defineTableMetric({ id: 'concentration.keys_for_spend', dims: none, run: (ctx) => keysForSpend(ctx) }),
  defineTableMetric({ id: 'quadrant.delivery_efficiency', dims: QUADRANT_DIMENSIONS, run: deliveryQuadrant }),
  reworkTaxMetric,
  defineTableMetric({ id: 'trajectory.growth', dims: none, run: (ctx) => trajectoryGrowth(ctx) }),
  defineTableMetric({ id: 'trajectory.forecast', dims: none, run: (ctx) => spendForecast(ctx) }),
  workAllocationMetric,
  defineTableMetric({ id: 'roi.delivery_lift', dims: none, run: (ctx) => roi(ctx) }),
  evidenceCoverageMetric,
  throughputMetric,
];

export type { QueryableMetric };

export function findQuery(id: string): QueryableMetric | undefined {
  return QUERIES.find((q) => q.id === id);
}
