import { addDays, type DayWindow } from '../domain/time.js';
import { modelLabelSql } from './model-label.js';
import { defineMetric } from './define.js';
import { dialectOf, windowFilter, windowParams } from './metric.js';
import { money, numOrNull } from './table.js';
import { relation } from './relations.js';

/** The calendar heatmap covers a year of days ending with the window (one cell per day, zeros included). */
export const CALENDAR_DAYS = 365;

export function calendarWindow(w: DayWindow): DayWindow {
  return { since: addDays(w.until, -CALENDAR_DAYS), until: w.until };
}

/** spend.calendar: one value per day for the year ending at the window's end, days without spend at 0. */
export const spendCalendarMetric = defineMetric({
  id: 'spend.calendar',
  dims: [],
  columns: [{ id: 'cost', label: 'spend', unit: 'USD' }],
  async compute(ctx) {
    const window = calendarWindow(ctx.window);
    const d = dialectOf(ctx);
    const rows = await ctx.db.query(
      `WITH days AS ${d.daySeries(d.param('since', 'Date'), d.param('until', 'Date'))},
     s AS (
       SELECT day, sum(cost) AS cost FROM ${relation(ctx, 'ledger_daily')} WHERE ${windowFilter('day', d)} AND NOT unpriced GROUP BY day
     )
     SELECT ${d.text('days.day')} AS day, ${d.text('coalesce(s.cost, 0)')} AS cost
     FROM days LEFT JOIN s ON s.day = days.day ORDER BY days.day`,
      windowParams(window),
    );
    return {
      window,
      by: null,
      rows: rows.map((r) => ({ key: String(r.day), label: String(r.day), values: { cost: money(r.cost) } })),
      notes: [`${CALENDAR_DAYS} days ending ${addDays(window.until, -1)}; days without spend are 0.`],
    };
  },
});

export const spendCalendar = spendCalendarMetric.run;

/** spend.model_mix: per week of the window, each model's share of that week's spend (and of its tokens). */
export const modelMixMetric = defineMetric({
  id: 'spend.model_mix',
  dims: [],
  columns: [
    { id: 'week', label: 'week', unit: 'Monday' },
    { id: 'cost', label: 'spend', unit: 'USD' },
    { id: 'share', label: 'share of week', unit: 'share' },
    { id: 'token_share', label: 'share of tokens', unit: 'share' },
  ],
  async compute(ctx) {
    const d = dialectOf(ctx);
    const rows = await ctx.db.query(
      `WITH m AS (
       SELECT ${d.weekStart('day')} AS week, ${modelLabelSql('')} AS model, sum(cost) AS cost,
         sum(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens) AS tokens
       FROM ${relation(ctx, 'ledger_daily')} WHERE ${windowFilter('day', d)} AND NOT unpriced GROUP BY 1, 2
     )
     SELECT ${d.text('week')} AS week, model, ${d.text('cost')} AS cost, tokens,
       ${d.double('cost')} / nullif(${d.double('sum(cost) OVER (PARTITION BY week)')}, 0) AS share,
       tokens / nullif(sum(tokens) OVER (PARTITION BY week), 0) AS token_share
     FROM m ORDER BY week, m.cost DESC, model`,
      windowParams(ctx.window),
    );
    return {
      by: 'model',
      rows: rows.map((r) => ({
        key: `${String(r.week)}|${String(r.model)}`,
        label: String(r.model),
        values: {
          week: String(r.week),
          cost: money(r.cost),
          // A week with no priced spend (or no tokens) has no share: null, not 0%.
          share: numOrNull(r.share),
          token_share: numOrNull(r.token_share),
        },
      })),
      notes: [
        'Seat charges have no model: they appear as "seats · <tool>" until usage under the seat allocates them.',
        'Weeks at the window edges may be partial.',
      ],
    };
  },
});

export const modelMix = modelMixMetric.run;
