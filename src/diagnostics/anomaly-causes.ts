import { formatUsd } from '../domain/money.js';
import { addDays, type DayWindow } from '../domain/time.js';
import { dialectOf, windowFilter, windowParams, type MetricContext } from '../metrics/metric.js';
import { spendByWorkloads, workloadSqlFor, type WorkloadSpend } from '../metrics/workloads.js';
import type { Finding } from './finding.js';
import { relation } from '../metrics/relations.js';

/**
 * Anomalies tied to their cause: the reader learns whose doing a spike or a runaway session was without
 * opening the day. Workloads are named as the audience may see them (workloads.ts folds and hides people).
 */

/** The team that carries most of a workload's spend in a window (null: spend of no team). */
// Sums are named apart from the column they sum: ClickHouse (prefer_column_name_to_alias) would order by the
// column `cost` rather than an alias of that name, and refuse it outside the aggregate.
export async function workloadTeam(
  ctx: MetricContext,
  window: DayWindow,
  workloadId: string,
): Promise<string | null> {
  const rows = await ctx.db.query(
    `WITH lw AS (${await workloadSqlFor(ctx, 'ledger_daily', window)})
     SELECT team_id, sum(cost) AS spent FROM lw WHERE ${windowFilter('day', ctx)}
       AND workload_id = ${dialectOf(ctx).param('workload', 'String')}
     GROUP BY 1 ORDER BY spent DESC NULLS LAST, team_id LIMIT 1`,
    { ...windowParams(window), workload: workloadId },
  );
  const team = rows[0]?.team_id;
  return typeof team === 'string' ? team : null;
}

export interface SpikeCause {
  workload: WorkloadSpend;
  teamId: string | null;
}

/**
 * The workload that took most of a spike day's spend, written into the finding (answer, evidence, action)
 * with its team; null when the day has no attributed workload.
 */
export async function tieSpikeToCause(
  spike: Finding,
  day: string,
  report: MetricContext,
  teamName: (teamId: string) => string,
): Promise<SpikeCause | null> {
  const window = { since: day, until: addDays(day, 1) };
  const [list = []] = await spendByWorkloads({ ...report, window }, [window], { topOfFirst: 1 });
  const top = list[0];
  if (!top || top.share <= 0) return null;
  const teamId = await workloadTeam(report, window, top.id);
  const model = top.model ? ` on ${top.model}` : '';
  const team = teamId === null ? 'no team' : `team ${teamName(teamId)}`;
  spike.answer += ` Workload ${top.label} (${team})${model} took ${formatUsd(top.cost)} of it (${(top.share * 100).toFixed(0)}%).`;
  spike.evidence.top_workload = top.label;
  spike.evidence.top_workload_team = teamId === null ? 'no team' : teamName(teamId);
  spike.evidence.top_workload_spend = formatUsd(top.cost);
  spike.evidence.top_workload_share = `${(top.share * 100).toFixed(0)}%`;
  if (spike.action)
    spike.action = `Open ${day} for ${top.label}: a runaway agent loop, a batch job, or a new workflow?`;
  return { workload: top, teamId };
}

/** Where a session ran and whose workload it was. */
export interface SessionPlace {
  workload: string | null;
  repo: string | null;
  branch: string | null;
}

/**
 * A session's workload (its costliest attribution, as the audience may see it) and the repository and branch
 * it worked on (its costliest), over the window.
 */
export async function sessionPlace(ctx: MetricContext, session: string): Promise<SessionPlace> {
  const params = { ...windowParams(ctx.window), session };
  const mine = `session_id = ${dialectOf(ctx).param('session', 'String')}`;
  const [workloads, places] = await Promise.all([
    workloadSqlFor(ctx, 'ledger_sessions').then((sql) =>
      ctx.db.query(
        `WITH lw AS (${sql})
         SELECT workload_label, sum(cost) AS spent FROM lw WHERE ${windowFilter('day', ctx)} AND ${mine}
         GROUP BY 1 ORDER BY spent DESC NULLS LAST, workload_label LIMIT 1`,
        params,
      ),
    ),
    ctx.db.query(
      `SELECT repo, branch, sum(cost) AS spent FROM ${relation(ctx, 'ledger')}
       WHERE ${windowFilter('day', ctx)} AND ${mine} AND (repo IS NOT NULL OR branch IS NOT NULL)
       GROUP BY ALL ORDER BY spent DESC NULLS LAST, repo, branch LIMIT 1`,
      params,
    ),
  ]);
  const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);
  return {
    workload: text(workloads[0]?.workload_label),
    repo: text(places[0]?.repo),
    branch: text(places[0]?.branch),
  };
}
