import { slackEscape } from '../report/slack.js';
import { adaptiveCardMessage } from '../report/teams.js';
import type { AlertMessage } from './alert.js';

/** Who a message is addressed to, by role (never by name: the coach reads it in a shared channel too). */
export interface Addressee {
  /** "the coach of Payments", "the org's admins" */
  to: string;
  alertId: string;
  escalated: boolean;
  severity: string;
}

const footer = (a: Addressee) =>
  `Alert ${a.alertId}${a.escalated ? ' (escalated)' : ''} · for ${a.to} · acknowledge or mute: POST /api/v1/alerts/${a.alertId}/ack or /mute · budgets alert, they never block`;

/** A coaching prompt reads: what happened, the evidence, a question to ask. No grade, no ranking. */
export function alertText(m: AlertMessage, a: Addressee): string {
  return [
    m.title,
    '',
    m.happened,
    '',
    'Evidence:',
    ...m.evidence.map(([k, v]) => `  ${k}: ${v}`),
    '',
    `A question to ask: ${m.question}`,
    '',
    `Metrics: ${m.metricIds.join(', ')} (mileage metrics show <id>)`,
    footer(a),
    '',
  ].join('\n');
}

export function alertSlack(m: AlertMessage, a: Addressee): object {
  const e = slackEscape;
  return {
    text: e(`${a.escalated ? 'Escalated: ' : ''}${m.title}`),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: m.title.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: e(m.happened).slice(0, 2900) } },
      {
        type: 'section',
        fields: m.evidence
          .slice(0, 10)
          .map(([k, v]) => ({ type: 'mrkdwn', text: `*${e(k)}*\n${e(v)}`.slice(0, 2000) })),
      },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `_A question to ask:_ ${e(m.question)}`.slice(0, 2900) },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: e(footer(a)) }] },
    ],
  };
}

export function alertTeams(m: AlertMessage, a: Addressee): object {
  return adaptiveCardMessage({
    title: `${a.escalated ? 'Escalated: ' : ''}${m.title}`,
    subtitle: `For ${a.to}`,
    sections: [{ text: m.happened }, { heading: 'A question to ask', text: m.question }, { text: footer(a) }],
    facts: m.evidence,
  });
}

/** The generic webhook's JSON: the same message, structured, for whatever the receiver does with it. */
export function alertPayload(
  m: AlertMessage,
  a: Addressee,
  meta: { rule: string; period: string; level: number },
): object {
  return {
    type: 'mileage.alert',
    id: a.alertId,
    escalated: a.escalated,
    severity: a.severity,
    for: a.to,
    ...meta,
    title: m.title,
    happened: m.happened,
    evidence: Object.fromEntries(m.evidence),
    question: m.question,
    metrics: m.metricIds,
  };
}
