import { recordId } from '../domain/ids.js';
import type { Db } from '../store/db.js';
import type { AlertCandidate, AlertMessage } from './alert.js';

export const ALERT_STATES = ['open', 'acknowledged', 'muted'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export interface StoredAlert {
  id: string;
  rule: string;
  subject: string;
  period: string;
  level: number;
  severity: string;
  teamId: string | null;
  route: string;
  title: string;
  message: AlertMessage;
  state: AlertState;
  raisedAt: string;
  updatedAt: string;
  /** Messages sent for it: 1, plus one per escalation (0 while muted). */
  notifications: number;
  /** The last sending, per channel: `ok` or why it failed. */
  deliveries: Record<string, string>;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

/** What the history makes of a candidate: news (new, escalated), nothing new, or news nobody is told of. */
export type Decision = 'new' | 'escalated' | 'repeat' | 'muted';

export const alertId = (c: Pick<AlertCandidate, 'rule' | 'subject' | 'period'>): string =>
  recordId('alert', c.rule, c.subject, c.period);

/**
 * Records a candidate and says whether it is news. One alert per rule, subject and period; a higher level
 * escalates it (and reopens an acknowledged one: 100% is news after 80% was acknowledged); the same or a
 * lower level is a repeat and changes nothing. A muted rule and subject is recorded, never sent.
 */
export async function recordCandidate(db: Db, c: AlertCandidate, now: Date): Promise<Decision> {
  const id = alertId(c);
  const [existing] = await db.query('SELECT level FROM alerts WHERE id = $id', { id });
  if (existing && Number(existing.level) >= c.level) return 'repeat';
  const [mute] = await db.query(
    'SELECT 1 AS m FROM alert_mutes WHERE rule = $rule AND subject = $subject AND until_at > CAST($now AS TIMESTAMPTZ)',
    { rule: c.rule, subject: c.subject, now: now.toISOString() },
  );
  const state: AlertState = mute ? 'muted' : 'open';
  const values = {
    id,
    level: c.level,
    severity: c.severity,
    title: c.message.title,
    message: JSON.stringify(c.message),
    state,
    now: now.toISOString(),
    sent: mute ? 0 : 1,
  };
  if (existing) {
    await db.query(
      `UPDATE alerts SET level = $level, severity = $severity, title = $title, message_json = $message, state = $state,
         updated_at = CAST($now AS TIMESTAMPTZ), notifications = notifications + $sent WHERE id = $id`,
      values,
    );
    return mute ? 'muted' : 'escalated';
  }
  await db.query(
    `INSERT INTO alerts (id, rule, subject, period, level, severity, team_id, route, title, message_json, state,
       raised_at, updated_at, notifications)
     VALUES ($id, $rule, $subject, $period, $level, $severity, $team, $route, $title, $message, $state,
       CAST($now AS TIMESTAMPTZ), CAST($now AS TIMESTAMPTZ), $sent)`,
    { ...values, rule: c.rule, subject: c.subject, period: c.period, team: c.teamId, route: c.route },
  );
  return mute ? 'muted' : 'new';
}

export async function recordDeliveries(
  db: Db,
  id: string,
  deliveries: Record<string, string>,
): Promise<void> {
  await db.query('UPDATE alerts SET deliveries_json = $d WHERE id = $id', {
    id,
    d: JSON.stringify(deliveries),
  });
}

export interface AlertQuery {
  since?: string;
  state?: AlertState;
  teams?: readonly string[] | null;
  limit?: number;
}

/** The history, newest first; `teams` narrows it to alerts about those teams (a manager's scope). */
export async function listAlerts(db: Db, q: AlertQuery = {}): Promise<StoredAlert[]> {
  const rows = await db.query(
    `SELECT id, rule, subject, period, level, severity, team_id, route, title, message_json, state,
       CAST(raised_at AS VARCHAR) AS raised_at, CAST(updated_at AS VARCHAR) AS updated_at, notifications,
       deliveries_json, CAST(acknowledged_at AS VARCHAR) AS acknowledged_at, acknowledged_by
     FROM alerts
     WHERE ($since IS NULL OR updated_at >= CAST($since AS TIMESTAMPTZ))
       AND ($state IS NULL OR state = $state)
       AND ($teams IS NULL OR list_contains(CAST($teams AS VARCHAR[]), team_id))
     ORDER BY updated_at DESC, id LIMIT $limit`,
    {
      since: q.since ?? null,
      state: q.state ?? null,
      teams: q.teams ? JSON.stringify(q.teams) : null,
      limit: q.limit ?? 500,
    },
  );
  return rows.map((r) => ({
    id: String(r.id),
    rule: String(r.rule),
    subject: String(r.subject),
    period: String(r.period),
    level: Number(r.level),
    severity: String(r.severity),
    teamId: r.team_id === null ? null : String(r.team_id),
    route: String(r.route),
    title: String(r.title),
    message: JSON.parse(String(r.message_json)) as AlertMessage,
    state: String(r.state) as AlertState,
    raisedAt: String(r.raised_at),
    updatedAt: String(r.updated_at),
    notifications: Number(r.notifications),
    deliveries:
      r.deliveries_json === null ? {} : (JSON.parse(String(r.deliveries_json)) as Record<string, string>),
    acknowledgedAt: r.acknowledged_at === null ? null : String(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by === null ? null : String(r.acknowledged_by),
  }));
}

/** Acknowledges an alert (someone has looked); false when there is no such alert. */
export async function acknowledgeAlert(db: Db, id: string, by: string, now: Date): Promise<boolean> {
  const rows = await db.query(
    `UPDATE alerts SET state = 'acknowledged', acknowledged_at = CAST($now AS TIMESTAMPTZ), acknowledged_by = $by,
       updated_at = CAST($now AS TIMESTAMPTZ) WHERE id = $id RETURNING id`,
    { id, by, now: now.toISOString() },
  );
  return rows.length > 0;
}

/** Mutes the alert's rule and subject until a time: later alerts of both are recorded, not sent. */
export async function muteAlert(db: Db, id: string, until: Date, by: string, now: Date): Promise<boolean> {
  const [row] = await db.query('SELECT rule, subject FROM alerts WHERE id = $id', { id });
  if (!row) return false;
  const params = { rule: String(row.rule), subject: String(row.subject), until: until.toISOString(), by };
  await db.query('DELETE FROM alert_mutes WHERE rule = $rule AND subject = $subject', params);
  await db.query(
    'INSERT INTO alert_mutes (rule, subject, until_at, muted_by) VALUES ($rule, $subject, CAST($until AS TIMESTAMPTZ), $by)',
    params,
  );
  await db.query(`UPDATE alerts SET state = 'muted', updated_at = CAST($now AS TIMESTAMPTZ) WHERE id = $id`, {
    id,
    now: now.toISOString(),
  });
  return true;
}
