/** What the demo plants, so tests can check the diagnostic finds it, and a control can plant nothing. */
export interface DemoEffects {
  /** The top workload (alert triage) runs on claude-opus-4-1, 15x the price of claude-haiku-4-5 that would do. */
  modelFit: boolean;
  /** One engineer's spend multiplier on the same work as their peers (1 = none). */
  userVariance: number;
  /** Total spend, last four weeks over the first four. */
  spendGrowth: number;
  /** Delivery points, last four weeks over the first four. */
  deliveryGrowth: number;
  /** Rework share of merged PRs rises from ~5% to ~20%. */
  reworkRise: boolean;
  /** One working day in the last six weeks costs ~4x a normal day (a runaway agent loop). */
  spike: boolean;
  /** The support-triage bot runs a fine-tuned model no price list knows. */
  unpriced: boolean;
}

export const PLANTED: DemoEffects = {
  modelFit: true,
  userVariance: 4,
  spendGrowth: 4.6,
  deliveryGrowth: 1.2,
  reworkRise: true,
  spike: true,
  unpriced: true,
};

export const CONTROL: DemoEffects = {
  modelFit: false,
  userVariance: 1,
  spendGrowth: 1.1,
  deliveryGrowth: 1.1,
  reworkRise: false,
  spike: false,
  unpriced: false,
};

/** A fixed end (a Monday, exclusive) so that the same seed always gives the same files. */
export const DEMO_END = '2026-11-16';

export interface DemoOptions {
  seed: number;
  engineers: number;
  months: number;
  end: string;
  effects: DemoEffects;
}

export type DemoFileKind =
  | 'claude-code-log'
  | 'anthropic-usage-report'
  | 'anthropic-cost-report'
  | 'cursor-usage-events'
  | 'jira-search'
  | 'usage-csv'
  | 'github-pulls'
  | 'outcomes-csv';

/** What was planted, for tests only: the product finds effects by SQL and never reads this. */
export interface DemoTruth {
  heavyEngineer: string;
  topWorkloadKey: string;
  spikeDay: string | null;
  unpricedModel: string | null;
}

export interface DemoManifest {
  dir: string;
  orgFile: string;
  files: { kind: DemoFileKind; path: string }[];
  truth: DemoTruth;
}
