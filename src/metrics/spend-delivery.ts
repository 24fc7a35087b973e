import type { DayWindow } from '../domain/time.js';
import type { Grouping } from './grouping.js';
import { outcomeFrom, spendFrom } from './spend-from.js';
import { windowFilter, windowParams, type MetricContext } from './metric.js';
import { num, numOrNull } from './table.js';

/** The spend a person's delivery is set against: their agents and seats, never workflow bots. */
export const PEOPLE_SPEND = 'l.person_id IS NOT NULL AND l.workflow_id IS NULL';

export interface SpendDeliveryRow {
  key: string;
  label: string;
  spend: number;
  /** The same sum as exact decimal text (money is never summed as a float). */
  spendExact: string;
  /** True when the group's spend rows are all unpriced: its spend is unknown (null where shown), not 0. */
  unpricedOnly: boolean;
  delivery: number;
}

/**
 * Σ of a spend expression and Σ of a delivery expression per group, joined on the group key: the input of
 * every "spend per unit of delivery" ratio. Groups present on one side only keep a zero on the other;
 * unpriced spend is in no sum, and a group with nothing else is marked so (its spend is unknown, not 0).
 */
export async function spendAndDelivery(
  ctx: Pick<MetricContext, 'db' | 'window'>,
  g: Grouping,
  q: { spend: string; spendWhere: string; delivery: string; deliveryWhere: string },
  window: DayWindow = ctx.window,
): Promise<SpendDeliveryRow[]> {
  if (g.outcomeKey === null || g.outcomeLabel === null) return [];
  const rows = await ctx.db.query(
    `WITH s AS (
       SELECT ${g.spendKey} AS key, min(${g.spendLabel}) AS label,
         sum(CASE WHEN l.unpriced THEN 0 ELSE ${q.spend} END) AS v,
         sum(CASE WHEN l.unpriced THEN 0 ELSE 1 END) AS priced_rows
       FROM ${spendFrom(ctx, 'ledger_daily', g.spendJoins)} WHERE ${windowFilter('l.day', ctx)} AND ${q.spendWhere} GROUP BY 1
     ), d AS (
       SELECT ${g.outcomeKey} AS key, min(${g.outcomeLabel}) AS label, sum(${q.delivery}) AS v
       FROM ${outcomeFrom(ctx, g.outcomeJoins)} WHERE ${windowFilter('o.day', ctx)} AND ${q.deliveryWhere} GROUP BY 1
     )
     SELECT coalesce(s.key, d.key) AS key, coalesce(s.label, d.label) AS label,
       CAST(coalesce(s.v, 0) AS DOUBLE) AS spend, CAST(coalesce(s.v, 0) AS VARCHAR) AS spend_exact, CAST(coalesce(d.v, 0) AS DOUBLE) AS delivery,
       CASE WHEN s.key IS NOT NULL AND s.priced_rows = 0 THEN 1 ELSE 0 END AS unpriced_only
     FROM s FULL OUTER JOIN d ON s.key = d.key ORDER BY spend DESC, key`,
    windowParams(window),
  );
  return rows.map((r) => ({
    key: String(r.key),
    label: String(r.label),
    spend: num(r.spend),
    spendExact: String(r.spend_exact),
    unpricedOnly: Number(r.unpriced_only) === 1,
    delivery: numOrNull(r.delivery) ?? 0,
  }));
}
