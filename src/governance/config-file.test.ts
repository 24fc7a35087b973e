import { describe, expect, it } from 'vitest';
import { formatIssue } from '../org/issue.js';
import { parseGovernance } from './config-file.js';

const ORG = `org: acme
privacy: { individuals: team }
teams:
  - { id: pay, name: Payments }
people:
  - { id: ana, name: Ana, team: pay }
keys:
  - { id: sk-ant-1234, name: triage-bot, team: pay }
`;

const issues = (text: string) => {
  const r = parseGovernance(text, 'mileage.yaml');
  return r.ok ? [] : r.error.map(formatIssue);
};

describe('budgets: and alerts: in mileage.yaml', () => {
  it('reads budgets with their defaults, the amount exact, and every rule default', () => {
    const r = parseGovernance(
      `${ORG}budgets:\n  - { scope: team, subject: pay, amount: 1000.10, period: month }\n  - { scope: key, subject: sk-ant-1234, amount: "50", period: week, thresholds: [100, 90], forecast: false }\n  - { scope: person, subject: ana, amount: 20, period: quarter }\n`,
      'mileage.yaml',
    );
    if (!r.ok) throw new Error(r.error.map(formatIssue).join('\n'));
    expect(r.value.enabled).toBe(true);
    const [team, key, person] = r.value.budgets;
    expect(team).toMatchObject({
      id: 'team-pay-month',
      thresholds: [50, 80, 100],
      forecast: true,
      origin: 'file',
    });
    expect(team?.amount.toFixed()).toBe('1000.1');
    expect(key).toMatchObject({ id: 'key-sk-ant-1234-week', thresholds: [90, 100], forecast: false });
    // A person's default id does not carry their id: it travels in payloads and the history.
    expect(person?.id).toMatch(/^person-[0-9a-f]{12}-quarter$/);
    expect(r.value.alerts.rules.runaway_session).toEqual({
      enabled: true,
      multiple: 10,
      min_cohort_sessions: 20,
      loop_hours: 4,
      loop_requests_per_hour: 60,
    });
    expect(r.value.alerts.rules.spend_spike).toMatchObject({ mads: 6, multiple: 3 });
  });

  it('without budgets: or alerts: nothing is enabled', () => {
    const r = parseGovernance(ORG, 'mileage.yaml');
    expect(r.ok && r.value.enabled).toBe(false);
  });

  it('names the file, line and field of every problem', () => {
    expect(
      issues(
        `${ORG}budgets:\n  - { scope: team, subject: nope, amount: 10, period: month }\n  - { scope: crew, subject: pay, amount: -1, period: year, colour: red }\nalerts:\n  rules:\n    runaway_session: { multipel: 5 }\n    new_model: { share: 2 }\n`,
      ),
    ).toEqual([
      'mileage.yaml:10:29 budgets[0].subject: no team "nope" in this file (teams: pay)',
      'mileage.yaml:11:14 budgets[1].scope: expected one of team, workflow, key, tool, person, got "crew"',
      'mileage.yaml:11:42 budgets[1].amount: expected an amount in USD above 0, such as 5000, got -1',
      'mileage.yaml:11:54 budgets[1].period: expected one of week, month, quarter, got "year"',
      'mileage.yaml:11:60 budgets[1].colour: unknown field "colour" (expected: id, scope, subject, amount, period, thresholds, forecast)',
      'mileage.yaml:14:24 alerts.rules.runaway_session.multipel: unknown field "multipel" (did you mean "multiple"? expected: enabled, multiple, min_cohort_sessions, loop_hours, loop_requests_per_hour)',
      'mileage.yaml:15:25 alerts.rules.new_model.share: expected a share between 0 and 1, such as 0.2, got 2',
    ]);
  });

  it('refuses a person budget where privacy hides people', () => {
    expect(
      issues(
        `${ORG.replace('individuals: team', 'individuals: hidden')}budgets:\n  - { scope: person, subject: ana, amount: 10, period: month }\n`,
      ),
    ).toEqual([
      'mileage.yaml:10:14 budgets[0].scope: privacy.individuals is hidden: a budget may not single out a person (use a team, workflow or key budget)',
    ]);
  });
});
