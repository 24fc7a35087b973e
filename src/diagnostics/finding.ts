import type { MetricId } from '../metrics/catalog.js';

/**
 * One answer of the diagnostic: the question, the answer in a sentence, the evidence numbers, the metrics
 * it rests on and a suggested next step. `flag` findings are the ones worth acting on this week; a control
 * organisation with nothing unusual must produce none.
 */
export interface Finding {
  id: string;
  section: 'where' | 'model_fit' | 'variance' | 'trajectory' | 'quality' | 'anomaly' | 'data';
  flag: boolean;
  question: string;
  answer: string;
  evidence: Record<string, string | number>;
  metricIds: MetricId[];
  action: string | null;
  /**
   * Who owns the action (owners.ts): a person where the audience may see people, else a role such as "the
   * Payments team's coach", or the platform team. Absent when there is no action.
   */
  owner?: string;
}
