import { stuckSessions } from '../../diagnostics/stuck-sessions.js';
import { formatUsd, usd } from '../../domain/money.js';
import { addDays } from '../../domain/time.js';
import type { AlertCandidate } from '../alert.js';
import type { RuleContext } from '../rule-context.js';

/** The cohorts' medians are taken over the diagnostic's four weeks; only sessions active lately alert. */
const COHORT_DAYS = 28;
const RECENT_DAYS = 2;
/** One evaluation raises at most this many session alerts: the rest are in the weekly diagnostic. */
const MAX_SESSIONS = 5;

/**
 * session.runaway: a session that used at least `multiple` times its cohort's median tokens (the weekly
 * diagnostic's stuck-session rule, diagnostics/stuck-sessions.ts, with mileage.yaml's thresholds), active in
 * the last two days. session.looping: a session that kept making requests for hours at a steady clip.
 * Both go to the team's coach as a question about the session, never about the person.
 */
export async function runawayAlerts(ctx: RuleContext): Promise<AlertCandidate[]> {
  const rule = ctx.settings.alerts.rules.runaway_session;
  const until = addDays(ctx.asOf, 1);
  const recent = addDays(until, -RECENT_DAYS);
  const [stuck, looping] = await Promise.all([
    stuckSessions(
      {
        db: ctx.db,
        privacy: ctx.privacy,
        viewer: ctx.viewer,
        window: { since: addDays(until, -COHORT_DAYS), until },
      },
      { multiple: rule.multiple, minCohortSessions: rule.min_cohort_sessions },
    ),
    ctx.db.query(
      `WITH s AS (
         SELECT session_id, min(start_at) AS first_at, max(end_at) AS last_at, sum(requests) AS requests,
           sum(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens) AS tokens, min(tool) AS tool
         FROM usage WHERE day >= CAST($recent AS DATE) AND day < CAST($until AS DATE) AND session_id IS NOT NULL AND counted
         GROUP BY session_id
       )
       SELECT s.session_id, s.tool, s.requests, s.tokens, epoch(s.last_at - s.first_at) / 3600.0 AS hours,
         (SELECT min(team_id) FROM ledger_sessions l WHERE l.session_id = s.session_id AND l.day >= CAST($recent AS DATE)) AS team_id
       FROM s
       WHERE epoch(s.last_at - s.first_at) / 3600.0 >= $hours
         AND s.requests / (epoch(s.last_at - s.first_at) / 3600.0) >= $rate
       ORDER BY hours DESC, s.session_id LIMIT ${MAX_SESSIONS}`,
      { recent, until, hours: rule.loop_hours, rate: rule.loop_requests_per_hour },
    ),
  ]);
  const active = new Set(
    stuck.length === 0
      ? []
      : (
          await ctx.db.query(
            `SELECT DISTINCT session_id FROM ledger_sessions
             WHERE day >= CAST($recent AS DATE) AND day < CAST($until AS DATE)
               AND list_contains(CAST($ids AS VARCHAR[]), session_id)`,
            { recent, until, ids: JSON.stringify(stuck.map((s) => s.session)) },
          )
        ).map((r) => String(r.session_id)),
  );
  const out: AlertCandidate[] = [];
  for (const s of stuck.filter((x) => active.has(x.session)).slice(0, MAX_SESSIONS)) {
    const team = ctx.teamLabel(s.teamId);
    const who = ctx.mayName(s.teamId) && s.personName ? `${s.personName}'s` : 'A';
    const multiple = s.tokens / s.cohortMedian;
    out.push({
      rule: 'session.runaway',
      subject: s.session,
      period: 'session',
      level: 1,
      severity: 'warning',
      teamId: s.teamId,
      route: s.teamId === null ? 'org' : 'coach',
      message: {
        title: `A ${s.tool} session in ${team} used ${multiple.toFixed(0)}x the tokens of similar sessions`,
        happened: `${who} ${s.tool} session in ${team} used ${Math.round(s.tokens).toLocaleString('en-US')} tokens (${formatUsd(usd(s.cost))}), ${multiple.toFixed(0)}x the median session of its cohort (${s.tool} in the same team, last ${COHORT_DAYS} days).`,
        evidence: [
          ['session', s.session],
          ['tokens', Math.round(s.tokens).toLocaleString('en-US')],
          ['cohort median', Math.round(s.cohortMedian).toLocaleString('en-US')],
          ['cost', formatUsd(usd(s.cost))],
        ],
        question:
          'What was the session trying to do, and did it get stuck (a failing test it kept retrying, a tool error, a task too large for one go)? Would a turn or budget limit in the agent have helped?',
        metricIds: ['anomaly.stuck_sessions', 'effectiveness.tokens_per_session'],
      },
    });
  }
  for (const r of looping) {
    const teamId = r.team_id === null ? null : String(r.team_id);
    const hours = Number(r.hours);
    out.push({
      rule: 'session.looping',
      subject: String(r.session_id),
      period: 'session',
      level: 1,
      severity: 'warning',
      teamId,
      route: teamId === null ? 'org' : 'coach',
      message: {
        title: `A ${String(r.tool ?? 'agent')} session in ${ctx.teamLabel(teamId)} has been running for ${hours.toFixed(1)} hours`,
        happened: `A session in ${ctx.teamLabel(teamId)} made ${Number(r.requests).toLocaleString('en-US')} requests over ${hours.toFixed(1)} hours (${(Number(r.requests) / hours).toFixed(0)} an hour), ${Number(r.tokens).toLocaleString('en-US')} tokens: it may be looping.`,
        evidence: [
          ['session', String(r.session_id)],
          ['hours', hours.toFixed(1)],
          ['requests', Number(r.requests).toLocaleString('en-US')],
          ['tokens', Number(r.tokens).toLocaleString('en-US')],
        ],
        question:
          'Was this a long unattended run on purpose? If not, what kept it going — a retry loop, a flaky check, an instruction it could not satisfy?',
        metricIds: ['anomaly.stuck_sessions'],
      },
    });
  }
  return out;
}
