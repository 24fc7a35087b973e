import { addDays } from '../domain/time.js';
import { grouping } from './grouping.js';
import { windowFilter, windowParams, type MetricContext } from './metric.js';
import type { Dimension } from './query.js';
import { num, ratio, type MetricTable } from './table.js';

/** A seat with no usage of its tool by its person in this many days before the window's end is idle. */
export const IDLE_DAYS = 30;

export const SEAT_DIMENSIONS = ['tool', 'team', 'person'] as const satisfies Dimension[];

/**
 * spend.seat_utilisation: for each seat (tool × person in dir_seats), the days it was paid for in the window
 * (seat_days), the days its person used its tool (usage_identity, counted records), and whether it was idle
 * over the last 30 days. Grouped by tool, team or person (privacy applied).
 */
export async function seatUtilisation(ctx: MetricContext, by: Dimension | null): Promise<MetricTable> {
  const g = await grouping(ctx, by, 'spend');
  const rows = await ctx.db.query(
    `WITH paid AS (
       SELECT tool, person_id, count(*) AS seat_days, sum(price) AS cost
       FROM seat_days WHERE ${windowFilter()} GROUP BY 1, 2
     ), seats AS (
       SELECT s.tool, s.person_id, max(s.monthly_price) AS monthly_price
       FROM dir_seats s JOIN paid USING (tool, person_id) GROUP BY 1, 2
     ), used AS (
       SELECT tool, person_id, count(DISTINCT day) FILTER (WHERE ${windowFilter()}) AS active_days,
         count(*) FILTER (WHERE day >= CAST($idle_since AS DATE) AND day < CAST($until AS DATE)) AS recent
       -- usage as the ledger attributes it, by day: the same person and tool the seat's cost is allocated to
       FROM ledger_daily WHERE person_id IS NOT NULL AND source <> 'directory-seats' AND day < CAST($until AS DATE)
       GROUP BY 1, 2
     ), l AS (
       SELECT s.tool, s.person_id, dp.team_id, s.monthly_price, paid.seat_days, paid.cost,
         coalesce(used.active_days, 0) AS active_days, coalesce(used.recent, 0) = 0 AS idle
       FROM seats s JOIN paid USING (tool, person_id)
       LEFT JOIN used USING (tool, person_id)
       LEFT JOIN dir_people dp ON dp.person_id = s.person_id
     )
     SELECT ${g.spendKey} AS key, min(${g.spendLabel}) AS label, count(*) AS seats,
       count(*) FILTER (WHERE active_days > 0) AS active_seats, sum(seat_days) AS seat_days,
       sum(active_days) AS active_days, count(*) FILTER (WHERE idle) AS idle_seats,
       CAST(coalesce(sum(monthly_price) FILTER (WHERE idle), 0) AS DOUBLE) AS idle_monthly_cost,
       CAST(sum(cost) AS DOUBLE) AS cost
     FROM l
     LEFT JOIN dir_people p ON p.person_id = l.person_id
     LEFT JOIN dir_teams t ON t.team_id = l.team_id
     GROUP BY 1 ORDER BY idle_monthly_cost DESC, cost DESC, 1`,
    { ...windowParams(ctx.window), idle_since: addDays(ctx.window.until, -IDLE_DAYS) },
  );
  return {
    metric: 'spend.seat_utilisation',
    window: ctx.window,
    by: g.dim,
    columns: [
      { id: 'seats', label: 'seats', unit: 'count' },
      { id: 'active_seats', label: 'used', unit: 'count' },
      { id: 'utilisation', label: 'utilisation', unit: 'share of paid days used' },
      { id: 'idle_seats', label: `idle ${IDLE_DAYS}d`, unit: 'count' },
      { id: 'idle_monthly_cost', label: 'idle $/month', unit: 'USD per month' },
      { id: 'cost', label: 'seat spend', unit: 'USD' },
    ],
    rows: rows.map((r) => ({
      key: String(r.key),
      label: String(r.label),
      values: {
        seats: num(r.seats),
        active_seats: num(r.active_seats),
        utilisation: ratio(num(r.active_days), num(r.seat_days)),
        idle_seats: num(r.idle_seats),
        idle_monthly_cost: num(r.idle_monthly_cost),
        cost: num(r.cost),
      },
    })),
    notes: [
      ...g.notes,
      `Idle: no usage of the seat's tool by its holder in the ${IDLE_DAYS} days before ${ctx.window.until}.`,
      'Activity needs usage records that name the person (agent logs, admin reports); a seat whose tool reports nothing looks idle.',
    ],
  };
}
