import { EPIC_KIND } from '../domain/outcome.js';
import { sqlString } from '../store/sql-text.js';
import { grouping, type Grouping } from './grouping.js';
import { windowFilter, windowParams, type MetricContext } from './metric.js';
import type { Dimension } from './query.js';
import { relation } from './relations.js';
import { outcomeFrom } from './spend-from.js';
import { num, numOrNull, previousWindow, ratio, type MetricTable } from './table.js';
import type { DayWindow } from '../domain/time.js';

const EPIC = sqlString(EPIC_KIND);

/**
 * Epics done in the window with when each started: the first of its children's starts (a child's recorded
 * start, else its creation), else — an epic none of whose children is known — the epic's own start or
 * creation. An epic belongs to its own assignee's (lead's) team, else to the team most of its children
 * were delivered by. Children are any non-epic record of the same source naming the epic's ref.
 */
function epics(ctx: MetricContext): string {
  const oi = relation(ctx, 'outcomes_identity');
  return `(
  SELECT e.* REPLACE (coalesce(e.team_id, ch.child_team) AS team_id),
    coalesce(ch.first_start, e.started_at, e.opened_at) AS epic_start,
    CASE WHEN ch.first_start IS NOT NULL THEN 'children'
         WHEN coalesce(e.started_at, e.opened_at) IS NOT NULL THEN 'epic' END AS start_basis,
    coalesce(ch.children, 0) AS children
  FROM ${oi} e
  LEFT JOIN (
    SELECT c.source, c.parent_ref, min(coalesce(c.started_at, c.opened_at)) AS first_start,
      mode(c.team_id) AS child_team, count(*) AS children
    FROM ${oi} c
    WHERE c.parent_ref IS NOT NULL AND c.kind <> ${EPIC}
      AND EXISTS (SELECT 1 FROM ${oi} x WHERE x.kind = ${EPIC} AND x.source = c.source
        AND x.ref = c.parent_ref AND ${windowFilter('x.day')})
    GROUP BY 1, 2
  ) ch ON ch.source = e.source AND ch.parent_ref = e.ref
  WHERE e.kind = ${EPIC}
)`;
}

/** Days from the epic's start to done; null when no start is known or the start is after the done time. */
const LEAD_DAYS = `CASE WHEN o.epic_start <= o.occurred_at
  THEN date_diff('second', o.epic_start, o.occurred_at) / 86400.0 END`;

interface EpicStats {
  label: string;
  median: number | null;
  n: number;
  total: number;
  fromChildren: number;
  children: number;
}

async function epicStats(
  ctx: MetricContext,
  g: Grouping,
  window: DayWindow,
): Promise<Map<string, EpicStats>> {
  if (g.outcomeKey === null || g.outcomeLabel === null) return new Map();
  const rows = await ctx.db.query(
    `SELECT ${g.outcomeKey} AS key, min(${g.outcomeLabel}) AS label, median(${LEAD_DAYS}) AS m,
       count(${LEAD_DAYS}) AS n, count(*) AS total,
       count(*) FILTER (WHERE o.start_basis = 'children') AS from_children, sum(o.children) AS children
     FROM ${outcomeFrom(ctx, g.outcomeJoins, epics(ctx))} WHERE ${windowFilter('o.day')} GROUP BY 1 ORDER BY 1`,
    windowParams(window),
  );
  return new Map(
    rows.map((r) => [
      String(r.key),
      {
        label: String(r.label),
        median: numOrNull(r.m),
        n: num(r.n),
        total: num(r.total),
        fromChildren: num(r.from_children),
        children: num(r.children),
      },
    ]),
  );
}

/**
 * effectiveness.epic_lead_time: the median days from an epic's first child started (or created, when no
 * start is known) to the epic done — Jira epics, Linear projects, GitHub milestones — per group, and its
 * change against the window before (the trend).
 */
export async function epicLeadTime(ctx: MetricContext, by: Dimension | null): Promise<MetricTable> {
  const g = await grouping(ctx, by, 'delivery');
  const before = previousWindow(ctx.window);
  const [now, then] = await Promise.all([epicStats(ctx, g, ctx.window), epicStats(ctx, g, before)]);
  return {
    metric: 'effectiveness.epic_lead_time',
    window: ctx.window,
    by: g.dim,
    columns: [
      { id: 'median_days', label: 'median epic lead time', unit: 'days' },
      { id: 'previous_days', label: `before ${ctx.window.since}`, unit: 'days' },
      { id: 'change', label: 'change', unit: 'ratio to the previous window' },
      { id: 'epics', label: 'epics done with a start', unit: 'count' },
      { id: 'from_children', label: 'started by a child', unit: 'count' },
      { id: 'unknown_start_epics', label: 'epics with no usable start', unit: 'count' },
      { id: 'children', label: 'child tickets and PRs', unit: 'count' },
    ],
    rows: [...now.entries()].map(([key, x]) => {
      const previous = then.get(key)?.median ?? null;
      return {
        key,
        label: x.label,
        values: {
          median_days: x.median,
          previous_days: previous,
          change: ratio(x.median, previous),
          epics: x.n,
          from_children: x.fromChildren,
          unknown_start_epics: x.total - x.n,
          children: x.children,
        },
      };
    }),
    notes: [
      ...g.notes,
      `Epic lead time = epic done − the first of its children's starts (a child's recorded start — Linear startedAt, a Jira ticket's first status change — else its creation). Previous window: ${before.since} to ${before.until}.`,
      'An epic with no known child starts at its own start or creation (counted apart from those started by a child); one whose start falls after its done time is left out of the median and counted with no usable start.',
      'Epics: Jira issues of hierarchy level 1 (children by parent or Epic Link), Linear projects (children by project), GitHub milestones (PRs by milestone). Only children delivered (closed, merged) are known.',
    ],
  };
}
