import { EPIC_KIND } from '../domain/outcome.js';
import { OUTCOMES_IDENTITY_COLUMNS } from '../store/sql/identity-views.js';
import { sqlIdent, sqlString } from '../store/sql-text.js';
import { grouping, type Grouping } from './grouping.js';
import { dialectOf, windowFilter, windowParams, type MetricContext } from './metric.js';
import { relation } from './relations.js';
import { outcomeFrom } from './spend-from.js';
import { num, numOrNull } from './table.js';
import type { DayWindow } from '../domain/time.js';
import { defineMetric } from './define.js';
import { DELIVERY_DIMENSIONS } from './grouping.js';
import { againstPreviousWindow, previousColumns, previousWindowNote } from './window-change.js';

const EPIC = sqlString(EPIC_KIND);

/**
 * Epics done in the window with when each started: the first of its children's starts (a child's recorded
 * start, else its creation), else — an epic none of whose children is known — the epic's own start or
 * creation. An epic belongs to its own assignee's (lead's) team, else to the team most of its children
 * were delivered by (a tie goes to the first team id, so both engines pick the same one). Children are any
 * non-epic record of the same source naming the epic's ref.
 */
function epics(ctx: MetricContext): string {
  const oi = relation(ctx, 'outcomes_identity');
  const windowEpics = `(SELECT DISTINCT source, ref FROM ${oi}
    WHERE kind = ${EPIC} AND ${windowFilter('day', ctx)})`;
  const children = `${oi} c
    JOIN ${windowEpics} x ON x.source = c.source AND x.ref = c.parent_ref
    WHERE c.parent_ref IS NOT NULL AND c.kind <> ${EPIC}`;
  // The epic's columns as they are, but its team: its own, else its children's most frequent one.
  const columns = OUTCOMES_IDENTITY_COLUMNS.map((c) =>
    c === 'team_id' ? 'coalesce(e.team_id, ct.child_team) AS team_id' : `e.${sqlIdent(c)} AS ${sqlIdent(c)}`,
  ).join(', ');
  return `(
  SELECT ${columns},
    coalesce(ch.first_start, e.started_at, e.opened_at) AS epic_start,
    CASE WHEN ch.first_start IS NOT NULL THEN 'children'
         WHEN coalesce(e.started_at, e.opened_at) IS NOT NULL THEN 'epic' END AS start_basis,
    coalesce(ch.children, 0) AS children
  FROM ${oi} e
  LEFT JOIN (
    SELECT c.source AS source, c.parent_ref AS parent_ref, min(coalesce(c.started_at, c.opened_at)) AS first_start,
      count(*) AS children
    FROM ${children}
    GROUP BY 1, 2
  ) ch ON ch.source = e.source AND ch.parent_ref = e.ref
  LEFT JOIN (
    SELECT source, parent_ref, team_id AS child_team FROM (
      SELECT c.source AS source, c.parent_ref AS parent_ref, c.team_id AS team_id, count(*) AS n
      FROM ${children} AND c.team_id IS NOT NULL
      GROUP BY 1, 2, 3
    ) t
    QUALIFY row_number() OVER (PARTITION BY source, parent_ref ORDER BY n DESC, team_id) = 1
  ) ct ON ct.source = e.source AND ct.parent_ref = e.ref
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
    `SELECT ${g.outcomeKey} AS key, min(${g.outcomeLabel}) AS label, ${dialectOf(ctx).median(LEAD_DAYS)} AS m,
       count(${LEAD_DAYS}) AS n, count(*) AS total,
       count(*) FILTER (WHERE o.start_basis = 'children') AS from_children, sum(o.children) AS children
     FROM ${outcomeFrom(ctx, g.outcomeJoins, epics(ctx))} WHERE ${windowFilter('o.day', ctx)} GROUP BY 1 ORDER BY 1`,
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
export const epicLeadTimeMetric = defineMetric({
  id: 'effectiveness.epic_lead_time',
  dims: DELIVERY_DIMENSIONS,
  columns: (ctx) => [
    { id: 'median_days', label: 'median epic lead time', unit: 'days' },
    ...previousColumns(ctx, { previous: 'previous_days', change: 'change' }, 'days'),
    { id: 'epics', label: 'epics done with a start', unit: 'count' },
    { id: 'from_children', label: 'started by a child', unit: 'count' },
    { id: 'unknown_start_epics', label: 'epics with no usable start', unit: 'count' },
    { id: 'children', label: 'child tickets and PRs', unit: 'count' },
  ],
  async compute(ctx, by) {
    const g = await grouping(ctx, by, 'delivery');
    const lead = await againstPreviousWindow(
      ctx,
      (window) => epicStats(ctx, g, window),
      (x) => x.median,
    );
    return {
      by: g.dim,
      rows: lead.rows.map(({ key, now, value, previous, change }) => ({
        key,
        label: now.label,
        values: {
          median_days: value,
          previous_days: previous,
          change,
          epics: now.n,
          from_children: now.fromChildren,
          unknown_start_epics: now.total - now.n,
          children: now.children,
        },
      })),
      notes: [
        ...g.notes,
        "Epic lead time = epic done − the first of its children's starts (a child's recorded start — Linear startedAt, a Jira ticket's first status change — else its creation).",
        previousWindowNote(lead.before),
        'An epic with no known child starts at its own start or creation (counted apart from those started by a child); one whose start falls after its done time is left out of the median and counted with no usable start.',
        'Epics: Jira issues of hierarchy level 1 (children by parent or Epic Link), Linear projects (children by project), GitHub milestones (PRs by milestone). Only children delivered (closed, merged) are known.',
      ],
    };
  },
});

export const epicLeadTime = epicLeadTimeMetric.run;
