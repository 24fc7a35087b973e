import { defineMetric } from './define.js';
import { outcomeMedian } from './effectiveness.js';
import { DELIVERY_DIMENSIONS, grouping } from './grouping.js';
import { outcomeFrom } from './spend-from.js';
import { windowFilter, windowParams } from './metric.js';
import { num, ratio } from './table.js';
import { againstPreviousWindow, previousColumns, previousWindowNote } from './window-change.js';

/**
 * effectiveness.ai_assisted_share: merged PRs with AI evidence (co-author trailers, bot authors, markers)
 * over merged PRs, and the same share of effective changed lines (lockfiles, vendored and generated files
 * excluded; PRs without a size are left out of the line share).
 */
export const aiAssistedShareMetric = defineMetric({
  id: 'effectiveness.ai_assisted_share',
  dims: DELIVERY_DIMENSIONS,
  columns: [
    { id: 'pr_share', label: 'AI-assisted PRs', unit: 'share of merged PRs' },
    { id: 'line_share', label: 'AI-assisted lines', unit: 'share of effective changed lines' },
    { id: 'prs', label: 'merged PRs', unit: 'count' },
    { id: 'lines', label: 'effective lines', unit: 'lines' },
  ],
  async compute(ctx, by) {
    const g = await grouping(ctx, by, 'delivery');
    const rows =
      g.outcomeKey === null
        ? []
        : await ctx.db.query(
            `SELECT ${g.outcomeKey} AS key, min(${g.outcomeLabel ?? "'all'"}) AS label, count(*) AS prs,
             count(*) FILTER (WHERE o.ai_assisted) AS ai_prs,
             coalesce(sum(o.effective_lines), 0) AS lines,
             coalesce(sum(o.effective_lines) FILTER (WHERE o.ai_assisted), 0) AS ai_lines
           FROM ${outcomeFrom(ctx, g.outcomeJoins)} WHERE ${windowFilter('o.day', ctx)} AND o.kind = 'pr_merged'
           GROUP BY 1 ORDER BY prs DESC, 1`,
            windowParams(ctx.window),
          );
    return {
      by: g.dim,
      rows: rows.map((r) => ({
        key: String(r.key),
        label: String(r.label),
        values: {
          pr_share: ratio(num(r.ai_prs), num(r.prs)),
          line_share: ratio(num(r.ai_lines), num(r.lines)),
          prs: num(r.prs),
          lines: num(r.lines),
        },
      })),
      notes: [
        ...g.notes,
        'AI evidence: markers on any commit of the PR (trailers, bot authors, message lines, squash branch commits where readable), a bot PR author, or an agent session with recorded spend on the PR’s head branch; AI help that left none of these is not seen.',
      ],
    };
  },
});

export const aiAssistedShare = aiAssistedShareMetric.run;

const HOURS = "date_diff('second', o.opened_at, o.occurred_at) / 3600.0";

/** Hours between two timestamp columns of a PR (null when either is unknown, so medians skip it). */
const hoursBetween = (from: string, to: string) => `date_diff('second', ${from}, ${to}) / 3600.0`;
const TO_FIRST_REVIEW = hoursBetween('o.opened_at', 'o.first_review_at');
const TO_APPROVAL = hoursBetween('o.opened_at', 'o.approved_at');
const REVIEW_TO_MERGE = hoursBetween('o.first_review_at', 'o.occurred_at');

/**
 * effectiveness.cycle_time: median hours from opened to merged, and its change against the window before;
 * with the review timing the forges report — median hours from opened to the first review by someone other
 * than the author, to the first approval, and from the first review to the merge.
 */
export const cycleTimeMetric = defineMetric({
  id: 'effectiveness.cycle_time',
  dims: DELIVERY_DIMENSIONS,
  columns: (ctx) => [
    { id: 'median_hours', label: 'median hours', unit: 'hours' },
    ...previousColumns(ctx, { previous: 'previous_hours', change: 'change' }, 'hours'),
    { id: 'prs', label: 'PRs with open time', unit: 'count' },
    { id: 'unknown_open_prs', label: 'PRs with unknown open time', unit: 'count' },
    { id: 'to_first_review_hours', label: 'to first review', unit: 'hours (median)' },
    { id: 'to_approval_hours', label: 'to approval', unit: 'hours (median)' },
    { id: 'review_to_merge_hours', label: 'first review to merge', unit: 'hours (median)' },
    { id: 'reviewed_prs', label: 'PRs with review times', unit: 'count' },
  ],
  async compute(ctx, by) {
    const g = await grouping(ctx, by, 'delivery');
    const [cycle, toReview, toApproval, reviewToMerge] = await Promise.all([
      againstPreviousWindow(
        ctx,
        (window) => outcomeMedian(ctx, g, HOURS, window),
        (x) => x.median,
      ),
      outcomeMedian(ctx, g, TO_FIRST_REVIEW),
      outcomeMedian(ctx, g, TO_APPROVAL),
      outcomeMedian(ctx, g, REVIEW_TO_MERGE),
    ]);
    return {
      by: g.dim,
      rows: cycle.rows.map(({ key, now, value, previous, change }) => ({
        key,
        label: now.label,
        values: {
          median_hours: value,
          previous_hours: previous,
          change,
          prs: now.n,
          unknown_open_prs: now.total - now.n,
          to_first_review_hours: toReview.get(key)?.median ?? null,
          to_approval_hours: toApproval.get(key)?.median ?? null,
          review_to_merge_hours: reviewToMerge.get(key)?.median ?? null,
          reviewed_prs: toReview.get(key)?.n ?? 0,
        },
      })),
      notes: [
        ...g.notes,
        'Cycle time = merged at − opened at, for merged PRs that record when they opened.',
        previousWindowNote(cycle.before),
        'An open time is taken from the best evidence (the forge’s PR, else the first branch commit from history or a PR ref); a squash merge read from git alone has none (its commit’s author time is the merge time): such PRs are left out of the median and counted as unknown, never 0 h.',
        'Review times come from GitHub reviews and GitLab approvals and notes (the author’s own comments and bots excluded); local git has none.',
      ],
    };
  },
});

export const cycleTime = cycleTimeMetric.run;
