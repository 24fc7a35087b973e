import { workAllocation } from './allocation.js';
import type { MetricId } from './catalog.js';
import { keysForSpend, top4Shift } from './concentration.js';
import { aiAssistedShare, cycleTime } from './delivery-flow.js';
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
import type { MetricContext } from './metric.js';
import { QUADRANT_DIMENSIONS, deliveryQuadrant } from './quadrant.js';
import { churnShare } from './churn.js';
import { reworkTax } from './quality.js';
import { DIMENSIONS, type Dimension } from './query.js';
import { evidenceCoverage } from './coverage.js';
import { roi } from './roi.js';
import { SEAT_DIMENSIONS, seatUtilisation } from './seats.js';
import { modelMix, spendCalendar } from './spend-series.js';
import type { MetricTable } from './table.js';
import { spendForecast, trajectoryGrowth } from './trajectory.js';

/**
 * Catalog metrics `mileage query METRIC [--by DIM]` can compute, each with the dimensions it can be grouped
 * by (empty: its rows are fixed — days, weeks, horizons, levels). `whatif.reprice` takes a scenario and has a
 * command of its own; spend.total and efficiency.tokens_per_dollar keep their original `spendBy` output.
 */
export interface QueryableMetric {
  id: MetricId;
  dims: readonly Dimension[];
  run(ctx: MetricContext, by: Dimension | null): Promise<MetricTable>;
}

const SPEND_DIMS = DIMENSIONS;
const none: readonly Dimension[] = [];

export const QUERIES: readonly QueryableMetric[] = [
  { id: 'spend.calendar', dims: none, run: (ctx) => spendCalendar(ctx) },
  { id: 'spend.model_mix', dims: none, run: (ctx) => modelMix(ctx) },
  { id: 'spend.seat_utilisation', dims: SEAT_DIMENSIONS, run: seatUtilisation },
  {
    id: 'efficiency.cost_per_mtok',
    dims: SPEND_DIMS,
    run: (ctx, by) => tokenEfficiency(ctx, by, 'efficiency.cost_per_mtok'),
  },
  { id: 'efficiency.expected_band', dims: none, run: (ctx) => expectedBand(ctx) },
  { id: 'effectiveness.cost_per_merged_pr', dims: DELIVERY_DIMENSIONS, run: costPerMergedPr },
  { id: 'effectiveness.cost_per_closed_ticket', dims: DELIVERY_DIMENSIONS, run: costPerClosedTicket },
  { id: 'effectiveness.cost_per_workflow_outcome', dims: none, run: (ctx) => costPerWorkflowOutcome(ctx) },
  { id: 'effectiveness.tokens_per_session', dims: SPEND_DIMS, run: tokensPerSession },
  { id: 'effectiveness.tokens_per_point', dims: DELIVERY_DIMENSIONS, run: tokensPerPoint },
  { id: 'effectiveness.ai_assisted_share', dims: DELIVERY_DIMENSIONS, run: aiAssistedShare },
  { id: 'quality.churn_share', dims: DELIVERY_DIMENSIONS, run: churnShare },
  { id: 'effectiveness.cycle_time', dims: DELIVERY_DIMENSIONS, run: cycleTime },
  { id: 'effectiveness.epic_lead_time', dims: DELIVERY_DIMENSIONS, run: epicLeadTime },
  { id: 'concentration.top4_shift', dims: none, run: (ctx) => top4Shift(ctx) },
  { id: 'concentration.keys_for_spend', dims: none, run: (ctx) => keysForSpend(ctx) },
  { id: 'quadrant.delivery_efficiency', dims: QUADRANT_DIMENSIONS, run: deliveryQuadrant },
  { id: 'quality.rework_tax', dims: DELIVERY_DIMENSIONS, run: reworkTax },
  { id: 'trajectory.growth', dims: none, run: (ctx) => trajectoryGrowth(ctx) },
  { id: 'trajectory.forecast', dims: none, run: (ctx) => spendForecast(ctx) },
  { id: 'allocation.new_value_share', dims: DELIVERY_DIMENSIONS, run: workAllocation },
  { id: 'roi.delivery_lift', dims: none, run: (ctx) => roi(ctx) },
  { id: 'coverage.evidence_levels', dims: none, run: (ctx) => evidenceCoverage(ctx) },
];

export function findQuery(id: string): QueryableMetric | undefined {
  return QUERIES.find((q) => q.id === id);
}
