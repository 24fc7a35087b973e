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
  /** One working day in the last four weeks costs ~5x a normal day (a runaway agent loop). */
  spike: boolean;
  /** The support-triage bot runs a fine-tuned model no price list knows. */
  unpriced: boolean;
  /**
   * The planted experiment's treatment teams deliver this many times their rate over its three test sprints
   * (src/demo/experiment.ts); 1 = no effect, the control variant where the experiment is not met. The org's
   * delivery growth stays `deliveryGrowth` either way.
   */
  experimentLift: number;
}

export const PLANTED: DemoEffects = {
  modelFit: true,
  userVariance: 4,
  spendGrowth: 4.6,
  deliveryGrowth: 1.2,
  reworkRise: true,
  spike: true,
  unpriced: true,
  experimentLift: 1.6,
};

export const CONTROL: DemoEffects = {
  modelFit: false,
  userVariance: 1,
  spendGrowth: 1.1,
  deliveryGrowth: 1.1,
  reworkRise: false,
  spike: false,
  unpriced: false,
  experimentLift: 1,
};

/** A fixed end (a Monday, exclusive) so that the same seed always gives the same files. */
export const DEMO_END = '2026-11-16';

export interface DemoOptions {
  seed: number;
  /** Engineers (default 30), spread over four teams. */
  engineers: number;
  /** Months of history (default 6), rounded to whole weeks ending on `end`. */
  months: number;
  /** First day after the data (YYYY-MM-DD, exclusive); a Monday keeps the weeks whole. */
  end: string;
  effects: DemoEffects;
}

/** The default demo: 30 engineers, six months to DEMO_END, every effect planted. */
export function demoOptions(overrides: Partial<DemoOptions> = {}): DemoOptions {
  return { seed: 1, engineers: 30, months: 6, end: DEMO_END, effects: PLANTED, ...overrides };
}

export type DemoFileKind =
  | 'claude-code-log'
  | 'anthropic-usage-report'
  | 'anthropic-cost-report'
  | 'cursor-usage-events'
  | 'jira-search'
  | 'gateway-records'
  | 'github-pulls'
  | 'outcomes-csv';

/** What was planted, for tests only: the product finds effects by SQL and never reads this. */
export interface DemoTruth {
  /** The person who spends `userVariance` times as much on Claude Code as peers on the same work. */
  heavyEngineer: string;
  /** The key that spent the most over the whole period (alert triage when modelFit is planted). */
  topWorkloadKey: string;
  /** The working day of the runaway agent loop, or null. */
  spikeDay: string | null;
  /** Whose agent looped that day, or null. */
  spikeEngineer: string | null;
  unpricedModel: string | null;
  /** Engineers whose laptops sent no transcripts: their usage is only in the usage report. */
  withoutLogs: string[];
  /** The first day of data (inclusive) and the end (exclusive). */
  start: string;
  end: string;
}

export interface DemoManifest {
  dir: string;
  orgFile: string;
  files: { kind: DemoFileKind; path: string }[];
  truth: DemoTruth;
}
