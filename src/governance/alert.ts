/**
 * An alert as the rules raise it, before the history decides whether it is news. `rule`, `subject` and
 * `period` together name it: one alert per rule and subject per period, escalated only when `level` rises
 * (a budget's 80% then its 100%). The message is already written for its audience (no hidden person).
 */
export interface AlertCandidate {
  rule: string;
  /** What it is about, stable across runs: a budget id, a session, a team, a model, a source. */
  subject: string;
  /** The period it belongs to (a budget period's first day, a week's Monday, a day). */
  period: string;
  /** Higher is more severe: a budget threshold in percent, else 1. */
  level: number;
  severity: 'info' | 'warning' | 'critical';
  /** The team it concerns, whose coach gets it (null: an org-wide alert). */
  teamId: string | null;
  /** coach: a coaching prompt for the team's coach; org: for the admins' channels. */
  route: 'coach' | 'org';
  message: AlertMessage;
}

export interface AlertMessage {
  title: string;
  /** What happened, in a sentence or two: facts, never a judgement of a person. */
  happened: string;
  /** The numbers behind it, as label and value. */
  evidence: [string, string][];
  /** For a coach: a question to open the conversation with; for the org: the next step. */
  question: string;
  /** Catalog metrics the numbers come from (`mileage metrics show ID`). */
  metricIds: string[];
}
