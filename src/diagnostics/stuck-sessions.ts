import { formatUsd, usd } from '../domain/money.js';
import { dialectOf, windowFilter, windowParams, type MetricContext } from '../metrics/metric.js';
import type { SessionPlace } from './anomaly-causes.js';
import type { Finding } from './finding.js';
import { relation } from '../metrics/relations.js';

/** A session is stuck when it used this many times its cohort's median tokens per session. */
const STUCK_MULTIPLE = 10;
/** Below this many sessions a cohort's median says too little to call anything ten times it. */
const MIN_COHORT_SESSIONS = 20;

export interface StuckSession {
  session: string;
  tool: string;
  teamId: string | null;
  teamName: string | null;
  personName: string | null;
  tokens: number;
  cohortMedian: number;
  cost: string;
}

/**
 * Sessions of the window whose tokens are at least 10x the median of their cohort (same tool and team),
 * in cohorts of at least 20 sessions, largest multiple first. Person names come back only for the caller to
 * show when the privacy rules allow.
 */
export async function stuckSessions(
  ctx: MetricContext,
  rule: { multiple: number; minCohortSessions: number } = {
    multiple: STUCK_MULTIPLE,
    minCohortSessions: MIN_COHORT_SESSIONS,
  },
): Promise<StuckSession[]> {
  const d = dialectOf(ctx);
  const rows = await ctx.db.query(
    `WITH s AS (
       SELECT l.session_id AS session_id, coalesce(l.tool, l.source) AS tool, l.team_id AS team_id, min(l.person_id) AS person_id,
         sum(l.input_tokens + l.cache_read_tokens + l.cache_write_tokens + l.output_tokens) AS tokens,
         sum(l.cost) AS cost
       FROM ${relation(ctx, 'ledger_sessions')} l WHERE ${windowFilter('l.day', d)}
       GROUP BY 1, 2, 3
     ), cohorts AS (
       -- a grouped median joined back: as a window function it computed the sessions twice (3x slower)
       SELECT tool, team_id, ${d.median('tokens')} AS cohort_median, count(*) AS cohort_sessions FROM s GROUP BY 1, 2
     ), c AS (
       SELECT s.session_id AS session_id, s.tool AS tool, s.team_id AS team_id, s.person_id AS person_id,
         s.tokens AS tokens, s.cost AS cost, k.cohort_median AS cohort_median, k.cohort_sessions AS cohort_sessions
       FROM s JOIN cohorts k ON k.tool = s.tool AND k.team_id IS NOT DISTINCT FROM s.team_id
     )
     SELECT c.session_id AS session_id, c.tool AS tool, c.team_id AS team_id, t.name AS team_name,
       p.name AS person_name, c.tokens AS tokens, c.cohort_median AS cohort_median, coalesce(c.cost, 0) AS cost
     FROM c LEFT JOIN ${relation(ctx, 'dir_teams')} t ON t.team_id = c.team_id LEFT JOIN ${relation(ctx, 'dir_people')} p ON p.person_id = c.person_id
     WHERE c.cohort_sessions >= ${d.param('min_sessions', 'Int64')} AND c.cohort_median > 0
       AND c.tokens >= ${d.param('multiple', 'Float64')} * c.cohort_median
     ORDER BY c.tokens / c.cohort_median DESC, c.session_id LIMIT 1000`,
    { ...windowParams(ctx.window), min_sessions: rule.minCohortSessions, multiple: rule.multiple },
  );
  return rows.map((r) => ({
    session: String(r.session_id),
    tool: String(r.tool),
    teamId: r.team_id === null ? null : String(r.team_id),
    teamName: r.team_name === null ? null : String(r.team_name),
    personName: r.person_name === null ? null : String(r.person_name),
    tokens: Number(r.tokens),
    cohortMedian: Number(r.cohort_median),
    cost: String(r.cost),
  }));
}

/**
 * anomaly.stuck_sessions: framed as a question about the session, naming people only when allowed. `place` ties
 * the largest session to its cause: its workload and the repository it worked in, and its branch where people
 * may be named (a branch name often carries its author's).
 */
export function stuckSessionFinding(
  sessions: StuckSession[],
  namesPeople: boolean,
  place: SessionPlace = { workload: null, repo: null, branch: null },
): Finding | null {
  const worst = sessions[0];
  if (!worst) return null;
  const who = (s: StuckSession) =>
    namesPeople && s.personName ? `${s.personName} (${s.teamName ?? 'no team'})` : (s.teamName ?? 'no team');
  const multiple = (s: StuckSession) => s.tokens / s.cohortMedian;
  const cost = sessions.reduce((a, s) => a.plus(s.cost), usd(0));
  const count = (n: number) => Math.round(n).toLocaleString('en-US');
  const branch = namesPeople ? place.branch : null;
  const where = [place.repo ? `in ${place.repo}` : null, branch ? `on branch ${branch}` : null].filter(
    (x) => x !== null,
  );
  const team = worst.teamName ?? 'no team';
  const largest = place.workload
    ? `workload ${place.workload} (team ${team})`
    : `${worst.tool} in ${who(worst)}`;
  return {
    id: 'anomaly.stuck_sessions',
    section: 'anomaly',
    flag: true,
    question: 'Did any agent session burn far more tokens than similar sessions?',
    answer: `${sessions.length} session${sessions.length === 1 ? '' : 's'} used at least ${STUCK_MULTIPLE}x the median tokens of their cohort (sessions of the same tool and team), ${formatUsd(cost)} in all; the largest, ${largest}, used ${multiple(worst).toFixed(0)}x (${count(worst.tokens)} tokens, ${formatUsd(usd(worst.cost))})${where.length ? ` ${where.join(' ')}` : ''}.`,
    evidence: {
      sessions: count(sessions.length),
      cost: formatUsd(cost),
      largest_multiple: `${multiple(worst).toFixed(1)}x`,
      largest_tokens: count(worst.tokens),
      largest_cost: formatUsd(usd(worst.cost)),
      cohort_median_tokens: count(worst.cohortMedian),
      largest_session: worst.session,
      largest_cohort: `${worst.tool} / ${worst.teamName ?? 'no team'}`,
      ...(place.workload ? { largest_workload: place.workload } : {}),
      ...(place.repo ? { repository: place.repo } : {}),
      ...(branch ? { branch } : {}),
    },
    metricIds: ['anomaly.stuck_sessions', 'effectiveness.tokens_per_session'],
    action:
      'Ask whether the session was looping (retries, a failing test, a tool error) and whether a turn or budget cap would have stopped it.',
  };
}
