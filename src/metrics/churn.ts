import { defineMetric } from './define.js';
import { DELIVERY_DIMENSIONS, grouping } from './grouping.js';
import { outcomeFrom } from './spend-from.js';
import { windowFilter, windowParams } from './metric.js';
import { num, ratio } from './table.js';

/**
 * quality.churn_share: of the lines delivered work changed (each once: a hunk replacing o lines by n counts
 * max(o, n)), the share that rewrote or deleted lines merged less than 21 days before — line-level churn as
 * the industry measures it, beside the PR-level rework flag of quality.rework_tax. Units read from git in
 * the rework window carry the measure (lockfiles, vendored, generated files, changelogs and snapshots left
 * out); merged PRs and direct pushes both count, since both change code.
 */
export const churnShareMetric = defineMetric({
  id: 'quality.churn_share',
  dims: DELIVERY_DIMENSIONS,
  columns: [
    { id: 'churn_share', label: 'churn', unit: 'share of changed lines' },
    { id: 'young_lines', label: 'young lines rewritten', unit: 'lines' },
    { id: 'changed_lines', label: 'changed lines', unit: 'lines' },
    { id: 'units', label: 'units measured', unit: 'count' },
  ],
  async compute(ctx, by) {
    const g = await grouping(ctx, by, 'delivery');
    const rows =
      g.outcomeKey === null
        ? []
        : await ctx.db.query(
            `SELECT ${g.outcomeKey} AS key, min(${g.outcomeLabel ?? "'all'"}) AS label,
             count(*) AS units, coalesce(sum(o.changed_lines), 0) AS changed,
             coalesce(sum(o.young_lines), 0) AS young
           FROM ${outcomeFrom(ctx, g.outcomeJoins)}
           WHERE ${windowFilter('o.day', ctx)} AND o.kind IN ('pr_merged', 'direct_push') AND o.changed_lines IS NOT NULL
           GROUP BY 1 ORDER BY changed DESC, 1`,
            windowParams(ctx.window),
          );
    return {
      by: g.dim,
      rows: rows.map((r) => ({
        key: String(r.key),
        label: String(r.label),
        values: {
          churn_share: ratio(num(r.young), num(r.changed)),
          young_lines: num(r.young),
          changed_lines: num(r.changed),
          units: num(r.units),
        },
      })),
      notes: [
        ...g.notes,
        'Young = merged less than 21 days before the rewrite (git blame of the changed hunks on the parent). Only units read from git inside `ingest git --rework-window` (default 6 months) are measured.',
      ],
    };
  },
});

export const churnShare = churnShareMetric.run;
