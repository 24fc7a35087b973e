/**
 * The shapes of the JSON API (API-CONTRACT.md), as far as the dashboard reads them. A metric's answer is the
 * server's own type (src/metrics/metric-table.ts, dependency-free), never a copy.
 */
import type { MetricTable } from '../../src/metrics/metric-table.js';
import type { DayWindow } from '../../src/domain/time.js';

export type { Cell, MetricColumn, MetricRow, MetricTable } from '../../src/metrics/metric-table.js';
/** A window of days, `until` exclusive. */
export type Window = DayWindow;

export interface MetricDefinition {
  id: string;
  title: string;
  question: string;
  formula: string;
  unit: string;
  direction: string;
  caveats: string[];
  minSample: string;
  dims: string[];
  queryable?: boolean;
}

export interface MetricAnswer {
  metric: MetricDefinition;
  table: MetricTable;
}

export interface Me {
  role: string;
  teams: string[] | null;
  privacy: { individuals: string; minGroupSize: number };
}

export interface FilterValues {
  teams: string[];
  tools: string[];
  models: string[];
  /** Display names of the teams offered, by id. */
  teamNames?: Record<string, string>;
}

export interface Finding {
  id: string;
  section: string;
  flag: boolean;
  question: string;
  answer: string;
  evidence: Record<string, string | number | null>;
  metricIds: string[];
  action: string | null;
  /** Who owns the action: a person where privacy allows, else a role ("the Payments team's coach"). */
  owner?: string;
}

export interface WeeklyReport {
  org: string;
  window: Window;
  /** The twelve weeks the variance finding judges people over (absent from servers before it was added). */
  varianceWindow?: Window;
  headline: {
    spend: string;
    mergedPrs: number;
    deliveryPoints: number;
    costPerMergedPr: string | null;
    top5Share: number | null;
    unpricedTokens: number;
    unpricedModels: string[];
    byBasis: { basis: string; cost: string }[];
    /** Share of the PRs' attributed dollars found by the session → PR join (null: none attributed). */
    prSpendBySession?: number | null;
  };
  topWorkloads: {
    label: string;
    kind: string;
    model: string | null;
    cost: string;
    share: number;
    tokensPerDollar: number | null;
    cacheReadShare: number | null;
    shareChange: number | null;
  }[];
  /**
   * What changed since last Monday (src/diagnostics/week-changes.ts, money as decimal text; null: no week
   * before; absent from servers before it was added). Revived with that module's reviveWeekChanges.
   */
  changes?: unknown;
  /** Every team's part of the bill (absent from servers before it was added). */
  byTeam?: { label: string; cost: string; share: number }[];
  findings: Finding[];
  coverage: { level: string; cost: string; share: number }[];
  weeks: { week: string; cost: string; prs: number; points: number; reworkPrs: number }[];
}

/** A row of GET /prs, as the PR list's table reads it (one definition, in src/report/answer-tables.ts). */
export type { PrListRow as PrRow } from '../../src/report/answer-tables.js';

export interface PrDetail {
  window: Window;
  pr: {
    id: string;
    repo: string;
    number: number;
    title?: string | null;
    branch: string | null;
    openedAt: string | null;
    mergedAt: string;
    team: string | null;
    teamName: string | null;
    points: number | null;
    pointsBasis: string | null;
    aiAssisted: boolean | null;
    aiEvidence: string | null;
    rework: boolean | null;
    reworkReason: string | null;
    category: string | null;
    author?: string | null;
  };
  cost: { amount: string | null; basis: string | null };
  evidence: string | null;
  sessions: {
    session: string;
    tool: string | null;
    model: string | null;
    cost: string | null;
    evidence: string;
  }[];
  keys: { key: string; cost: string | null }[];
}
