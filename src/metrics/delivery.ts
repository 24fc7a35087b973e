import { usd, type Usd } from '../domain/money.js';
import { windowFilter, windowParams, type MetricContext } from './metric.js';
import { ledgerRollup } from './rollup.js';
import { relation } from './relations.js';

export interface DeliveryTotals {
  mergedPrs: number;
  points: number;
  reworkPrs: number;
  aiAssistedPrs: number;
  /** Commits pushed straight to a default branch (outside PRs): reported beside merged PRs, never in them. */
  directPushes: number;
  ticketsClosed: number;
}

export async function deliveryTotals(ctx: MetricContext): Promise<DeliveryTotals> {
  const [row] = await ctx.db.query(
    `SELECT
       count(*) FILTER (WHERE kind = 'pr_merged') AS prs,
       coalesce(sum(points) FILTER (WHERE kind = 'pr_merged'), 0) AS points,
       count(*) FILTER (WHERE kind = 'pr_merged' AND rework) AS rework,
       count(*) FILTER (WHERE kind = 'pr_merged' AND ai_assisted) AS ai,
       count(*) FILTER (WHERE kind = 'direct_push') AS pushes,
       count(*) FILTER (WHERE kind = 'ticket_closed') AS tickets
     FROM ${relation(ctx, 'outcomes')} WHERE ${windowFilter('day', ctx)}`,
    windowParams(ctx.window),
  );
  return {
    mergedPrs: Number(row?.prs ?? 0),
    points: Number(row?.points ?? 0),
    reworkPrs: Number(row?.rework ?? 0),
    aiAssistedPrs: Number(row?.ai ?? 0),
    directPushes: Number(row?.pushes ?? 0),
    ticketsClosed: Number(row?.tickets ?? 0),
  };
}

export interface WeeklyPoint {
  week: string;
  cost: Usd;
  prs: number;
  points: number;
  reworkPrs: number;
}

/** Spend and delivery per ISO week (Monday) over the window: trajectory, rework trend. */
export async function weeklySeries(ctx: MetricContext): Promise<WeeklyPoint[]> {
  const rows = await ctx.db.query(
    `WITH s AS (
       SELECT date_trunc('week', day) AS week, coalesce(sum(cost), 0) AS cost FROM ${relation(ctx, ledgerRollup(ctx.window))}
       WHERE ${windowFilter('day', ctx)} AND NOT unpriced GROUP BY 1
     ), d AS (
       SELECT date_trunc('week', day) AS week, count(*) AS prs, coalesce(sum(points), 0) AS points,
         count(*) FILTER (WHERE rework) AS rework
       FROM ${relation(ctx, 'outcomes')} WHERE ${windowFilter('day', ctx)} AND kind = 'pr_merged' GROUP BY 1
     )
     SELECT CAST(CAST(coalesce(s.week, d.week) AS DATE) AS VARCHAR) AS week, CAST(coalesce(s.cost, 0) AS VARCHAR) AS cost,
       coalesce(d.prs, 0) AS prs, coalesce(d.points, 0) AS points, coalesce(d.rework, 0) AS rework
     FROM s FULL OUTER JOIN d ON s.week = d.week ORDER BY 1`,
    windowParams(ctx.window),
  );
  return rows.map((r) => ({
    week: String(r.week),
    cost: usd(String(r.cost)),
    prs: Number(r.prs),
    points: Number(r.points),
    reworkPrs: Number(r.rework),
  }));
}

export interface PersonWeek {
  personId: string;
  name: string;
  teamId: string | null;
  week: string;
  cost: Usd;
  prs: number;
  points: number;
}

/**
 * Per person and week: spend attributed to the person (their agents, their seats) and their merged PRs.
 * The input of cost per merged PR, the spread on similar work and the quadrant.
 */
export async function personWeeks(ctx: MetricContext): Promise<PersonWeek[]> {
  const rows = await ctx.db.query(
    `WITH s AS (
       SELECT person_id, date_trunc('week', day) AS week, sum(cost) AS cost FROM ${relation(ctx, ledgerRollup(ctx.window))}
       WHERE ${windowFilter('day', ctx)} AND NOT unpriced AND person_id IS NOT NULL AND workflow_id IS NULL GROUP BY 1, 2
     ), d AS (
       SELECT person_id, date_trunc('week', day) AS week, count(*) AS prs, coalesce(sum(points), 0) AS points
       FROM ${relation(ctx, 'outcomes_identity')} WHERE ${windowFilter('day', ctx)} AND kind = 'pr_merged' AND person_id IS NOT NULL GROUP BY 1, 2
     )
     SELECT coalesce(s.person_id, d.person_id) AS person_id, p.name, p.team_id,
       CAST(CAST(coalesce(s.week, d.week) AS DATE) AS VARCHAR) AS week,
       CAST(coalesce(s.cost, 0) AS VARCHAR) AS cost, coalesce(d.prs, 0) AS prs, coalesce(d.points, 0) AS points
     FROM s FULL OUTER JOIN d ON s.person_id = d.person_id AND s.week = d.week
     LEFT JOIN ${relation(ctx, 'dir_people')} p ON p.person_id = coalesce(s.person_id, d.person_id)
     ORDER BY 1, 4`,
    windowParams(ctx.window),
  );
  return rows.map((r) => ({
    personId: String(r.person_id),
    name: String(r.name ?? r.person_id),
    teamId: (r.team_id as string | null) ?? null,
    week: String(r.week),
    cost: usd(String(r.cost)),
    prs: Number(r.prs),
    points: Number(r.points),
  }));
}
