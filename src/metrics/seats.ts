import { defineMetric } from './define.js';
import { addDays } from '../domain/time.js';
import { grouping } from './grouping.js';
import { dialectOf, windowFilter, windowParams } from './metric.js';
import type { Dimension } from './query.js';
import { reportedActiveUsers } from './reported-active-users.js';
import { money, num, ratio } from './table.js';
import { relation } from './relations.js';
import { spendJoins } from './spend-from.js';

/** A seat with no usage of its tool by its person in this many days before the window's end is idle. */
export const IDLE_DAYS = 30;

export const SEAT_DIMENSIONS = ['tool', 'team', 'person'] as const satisfies Dimension[];

/**
 * spend.seat_utilisation: for each seat (tool × holder in seat_holdings: vendor seat lists and mileage.yaml),
 * the days it was paid for in the window (seat_days), the days its holder used its tool (usage records and
 * vendor activity reports), and whether it was idle over the last 30 days (no use, and no vendor-reported
 * last activity, in that time). Grouped by tool, team or person (privacy applied). Beside them, the active users
 * vendors count without naming anyone (reported-active-users.ts): licences bought against people using them.
 */
export const seatUtilisationMetric = defineMetric({
  id: 'spend.seat_utilisation',
  dims: SEAT_DIMENSIONS,
  columns: [
    { id: 'seats', label: 'seats', unit: 'count' },
    { id: 'active_seats', label: 'used', unit: 'count' },
    { id: 'utilisation', label: 'utilisation', unit: 'share of paid days used' },
    { id: 'idle_seats', label: `idle ${IDLE_DAYS}d`, unit: 'count' },
    { id: 'idle_monthly_cost', label: 'idle $/month', unit: 'USD per month' },
    { id: 'cost', label: 'seat spend', unit: 'USD' },
    { id: 'reported_daily_active', label: 'daily active (vendor)', unit: 'people a day, mean' },
    { id: 'reported_28d_active', label: '28-day active (vendor)', unit: 'people' },
  ],
  async compute(ctx, by) {
    const g = await grouping(ctx, by, 'spend');
    const d = dialectOf(ctx);
    const rows = await ctx.db.query(
      `WITH paid AS (
       SELECT tool, holder, any_value(person_id) AS person_id, count(*) AS seat_days, sum(price) AS cost
       FROM ${relation(ctx, 'seat_days')} WHERE ${windowFilter('day', ctx)} GROUP BY 1, 2
     ), seats AS (
       SELECT s.tool AS tool, s.holder AS holder, max(s.monthly_price) AS monthly_price,
         max(CAST(s.last_activity AS DATE)) AS last_active
       FROM seat_holdings s JOIN paid USING (tool, holder) GROUP BY 1, 2
     ), activity AS (
       -- usage as the ledger attributes it, by day: the same person and tool the seat's cost is allocated to
       SELECT tool, person_id AS holder, day FROM ${relation(ctx, 'ledger_daily')} WHERE person_id IS NOT NULL AND source <> 'directory-seats'
       UNION ALL
       SELECT a.tool, coalesce(al.person_id, a.actor_hash), a.day
       FROM seat_activity a LEFT JOIN dir_aliases al ON al.alias_hash = a.actor_hash
     ), used AS (
       SELECT tool, holder, count(DISTINCT day) FILTER (WHERE ${windowFilter('day', ctx)}) AS active_days,
         count(*) FILTER (WHERE day >= ${d.param('idle_since', 'Date')} AND day < ${d.param('until', 'Date')}) AS recent
       FROM activity WHERE day < ${d.param('until', 'Date')} GROUP BY 1, 2
     ), l AS (
       SELECT s.tool AS tool, paid.person_id AS person_id, dp.team_id AS team_id, s.monthly_price AS monthly_price,
         paid.seat_days AS seat_days, paid.cost AS cost,
         coalesce(used.active_days, 0) AS active_days,
         coalesce(used.recent, 0) = 0
           AND (s.last_active IS NULL OR s.last_active < ${d.param('idle_since', 'Date')}) AS idle
       FROM seats s JOIN paid USING (tool, holder)
       LEFT JOIN used USING (tool, holder)
       LEFT JOIN ${relation(ctx, 'dir_people')} dp ON dp.person_id = paid.person_id
     )
     SELECT ${g.spendKey} AS key, min(${g.spendLabel}) AS label, count(*) AS seats,
       count(*) FILTER (WHERE active_days > 0) AS active_seats, sum(seat_days) AS seat_days,
       sum(active_days) AS active_days, count(*) FILTER (WHERE idle) AS idle_seats,
       CAST(coalesce(sum(monthly_price) FILTER (WHERE idle), 0) AS VARCHAR) AS idle_monthly_cost,
       CAST(sum(cost) AS VARCHAR) AS cost
     FROM l${spendJoins(ctx, g.spendJoins)}
     GROUP BY 1 ORDER BY coalesce(sum(monthly_price) FILTER (WHERE idle), 0) DESC, sum(cost) DESC, 1`,
      { ...windowParams(ctx.window), idle_since: addDays(ctx.window.until, -IDLE_DAYS) },
    );
    const reported = await reportedActiveUsers(ctx, g.dim);
    return {
      by: g.dim,
      rows: rows.map((r) => ({
        key: String(r.key),
        label: String(r.label),
        values: {
          seats: num(r.seats),
          active_seats: num(r.active_seats),
          utilisation: ratio(num(r.active_days), num(r.seat_days)),
          idle_seats: num(r.idle_seats),
          idle_monthly_cost: money(r.idle_monthly_cost),
          cost: money(r.cost),
          reported_daily_active: reported.get(String(r.key))?.daily ?? null,
          reported_28d_active: reported.get(String(r.key))?.last28 ?? null,
        },
      })),
      notes: [
        ...g.notes,
        `Idle: no usage of the seat's tool by its holder in the ${IDLE_DAYS} days before ${ctx.window.until}.`,
        'Activity needs usage records that name the person (agent logs, admin reports); a seat whose tool reports nothing looks idle.',
        ...(reported.size > 0
          ? [
              "Daily and 28-day active (vendor): the people a vendor counts per project without naming them (Gemini Code Assist through Cloud Monitoring), projects added; by tool, by the project's team, or for the org, never by person.",
            ]
          : []),
      ],
    };
  },
});

export const seatUtilisation = seatUtilisationMetric.run;
