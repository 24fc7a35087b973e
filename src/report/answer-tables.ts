import type { DayWindow } from '../domain/time.js';
import type { MetricTable } from '../metrics/metric-table.js';

/*
 * The tables the dashboard shows from answers that are not a single metric (the weekly diagnostic, the PR
 * list), each built once from the API's JSON: the page draws it and the API serves the same table as JSON or
 * CSV (`?table=NAME&format=csv`), so a download is what the page shows. Dependency-free (types only) so that
 * the dashboard imports this file, not a copy of it. Money stays the JSON's exact decimal text.
 */

/** Money as the JSON carries it: exact decimal text (decimal.js serialises to it), null when unknown. */
type Money = string | { toFixed(): string } | null;

const money = (v: Money): string | null => (v === null ? null : typeof v === 'string' ? v : v.toFixed());

/** What the weekly tables read of the weekly report (diagnostics/weekly.ts, or its JSON). */
export interface WeeklyTablesInput {
  window: DayWindow;
  topWorkloads: {
    label: string;
    kind: string;
    model: string | null;
    cost: Money;
    share: number;
    tokensPerDollar: number | null;
    shareChange: number | null;
  }[];
  byTeam?: { label: string; cost: Money; share: number }[];
  coverage: { level: string; cost: Money; share: number }[];
  weeks: { week: string; cost: Money; prs: number; points: number; reworkPrs: number }[];
}

export const WEEKLY_TABLES = ['weeks', 'top_workloads', 'by_team', 'coverage'] as const;
export type WeeklyTableName = (typeof WEEKLY_TABLES)[number];

/** One table of the weekly diagnostic, by name. */
export function weeklyTable(report: WeeklyTablesInput, name: WeeklyTableName): MetricTable {
  const base = { window: report.window, notes: [] };
  switch (name) {
    case 'weeks':
      return {
        ...base,
        metric: 'trajectory.spend_vs_delivery',
        by: 'week',
        columns: [
          { id: 'cost', label: 'spend', unit: 'USD' },
          { id: 'prs', label: 'merged PRs', unit: 'count' },
          { id: 'points', label: 'delivery points', unit: 'points' },
          { id: 'rework', label: 'rework PRs', unit: 'count' },
        ],
        rows: report.weeks.map((w) => ({
          key: w.week,
          label: w.week,
          values: { cost: money(w.cost), prs: w.prs, points: w.points, rework: w.reworkPrs },
        })),
      };
    case 'top_workloads':
      return {
        ...base,
        metric: 'spend.by_workload',
        by: 'workload',
        columns: [
          { id: 'kind', label: 'kind', unit: 'kind' },
          { id: 'model', label: 'main model', unit: 'label' },
          { id: 'cost', label: 'spend', unit: 'USD' },
          { id: 'share', label: 'share', unit: 'share' },
          { id: 'change', label: 'share change', unit: 'share points' },
          { id: 'tpd', label: 'tokens per $', unit: 'tokens per USD' },
        ],
        rows: report.topWorkloads.map((w, i) => ({
          key: String(i + 1),
          label: w.label,
          values: {
            kind: w.kind,
            model: w.model,
            cost: money(w.cost),
            share: w.share,
            change: w.shareChange,
            tpd: w.tokensPerDollar,
          },
        })),
      };
    case 'by_team':
      return {
        ...base,
        metric: 'spend.total',
        by: 'team',
        columns: [
          { id: 'cost', label: 'spend', unit: 'USD' },
          { id: 'share', label: 'share', unit: 'share' },
        ],
        rows: (report.byTeam ?? []).map((t) => ({
          key: t.label,
          label: t.label,
          values: { cost: money(t.cost), share: t.share },
        })),
      };
    case 'coverage':
      return {
        ...base,
        metric: 'coverage.attributed_share',
        by: 'level',
        columns: [
          { id: 'cost', label: 'spend', unit: 'USD' },
          { id: 'share', label: 'share', unit: 'share' },
        ],
        rows: report.coverage.map((c) => ({
          key: c.level,
          label: c.level,
          values: { cost: money(c.cost), share: c.share },
        })),
      };
    default:
      return name satisfies never;
  }
}

/** The evidence levels that attribute a PR's cost, in words (the PR list and a PR's page). */
const EVIDENCE: Record<string, string> = {
  tag: 'tag at issuance (gateway key or header)',
  session_branch: 'sessions on the PR’s branch before its merge',
  commit_markers: 'AI markers on the PR’s commits',
  person_period: 'the author’s spend in the period, spread over their merged work by points',
  session: 'agent sessions on the PR’s branch before its merge',
  'session+person_period': 'sessions on the PR’s branch, plus a share of the author’s other spend',
  none: 'no spend could be tied to it',
};

export const evidenceText = (e: string | null): string => (e ? (EVIDENCE[e] ?? e) : 'none');

/** What the PR table reads of a row of the PR list (server/api/pr-queries.ts `PrRow`). */
export interface PrListRow {
  id: string;
  repo: string | null;
  number: number | null;
  title?: string | null;
  mergedAt: string;
  team: string | null;
  points: number | null;
  cost: string | null;
  basis: string | null;
  evidence: string | null;
}

/** The PR list as a table: one row per merged PR, newest first, as the API answered it. */
export function prListTable(answer: { window: DayWindow; rows: PrListRow[] }): MetricTable {
  return {
    metric: 'effectiveness.cost_per_merged_pr',
    window: answer.window,
    by: 'pr',
    columns: [
      { id: 'title', label: 'title', unit: 'text' },
      { id: 'merged', label: 'merged', unit: 'day' },
      { id: 'team', label: 'team', unit: 'label' },
      { id: 'points', label: 'points', unit: 'points' },
      // Null here is a cost withheld from this viewer (one author's spend), not an unpriced one.
      { id: 'cost', label: 'AI cost', unit: 'USD attributed' },
      { id: 'basis', label: 'basis', unit: 'text' },
      { id: 'evidence', label: 'evidence', unit: 'text' },
    ],
    rows: answer.rows.map((pr) => ({
      key: pr.id,
      label: `${pr.repo ?? 'unknown'}#${pr.number ?? '?'}`,
      values: {
        title: pr.title ?? null,
        merged: pr.mergedAt.slice(0, 10),
        team: pr.team,
        points: pr.points,
        cost: pr.cost,
        basis: pr.basis,
        evidence: evidenceText(pr.evidence),
      },
    })),
    notes: [],
  };
}
