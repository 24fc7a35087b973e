import { describe, expect, it } from 'vitest';
import { parseOrgFile } from '../org/load.js';
import { optInFor, parseCaptureOptIns } from './capture-opt-in.js';

const file = (entries: string) => `org: acme\naudit_capture:\n${entries}`;

describe('audit_capture opt-ins', () => {
  it('reads each workflow with its sample rate, retention and daily cap (1000 when not written)', () => {
    const optIns = parseCaptureOptIns(
      file(
        '  - workflow: alert-triage\n    sample_rate: 0.1\n    retention_days: 14\n' +
          '  - { workflow: support-bot, sample_rate: 1, retention_days: 1, max_cases_per_day: 50 }\n',
      ),
      'mileage.yaml',
    );
    expect(optIns).toEqual([
      { workflow: 'alert-triage', sample_rate: 0.1, retention_days: 14, max_cases_per_day: 1000 },
      { workflow: 'support-bot', sample_rate: 1, retention_days: 1, max_cases_per_day: 50 },
    ]);
    expect(optInFor(optIns, 'support-bot')?.max_cases_per_day).toBe(50);
    expect(optInFor(optIns, 'billing')).toBeUndefined();
  });

  it('a file without the section opts nothing in, and the org file itself accepts the section', () => {
    expect(parseCaptureOptIns('org: acme\n', 'mileage.yaml')).toEqual([]);
    const org = parseOrgFile(
      file('  - { workflow: a, sample_rate: 0.5, retention_days: 7 }\n'),
      'mileage.yaml',
    );
    expect(org.ok).toBe(true);
  });

  it.each([
    [
      '  - workflow: alert-triage\n    sample_rate: 0\n    retention_days: 14\n',
      /^mileage\.yaml:4 \(audit_capture\.0\.sample_rate\): expected a share above 0/,
    ],
    [
      '  - workflow: alert-triage\n    sample_rate: 1.5\n    retention_days: 14\n',
      /^mileage\.yaml:4 \(audit_capture\.0\.sample_rate\): expected a share of at most 1/,
    ],
    [
      '  - workflow: alert-triage\n    sample_rate: 0.2\n',
      /^mileage\.yaml:3 \(audit_capture\.0\.retention_days\): expected a number of days .* how long it is kept/,
    ],
    [
      '  - workflow: alert-triage\n    sample_rate: 0.2\n    retention_days: 2.5\n',
      /^mileage\.yaml:5 \(audit_capture\.0\.retention_days\): expected a whole number of days/,
    ],
    [
      '  - workflow: alert-triage\n    sample_rate: 0.2\n    retention_days: 3\n    max_cases: 10\n',
      /^mileage\.yaml:6 \(audit_capture\.0\): unknown field "max_cases": expected workflow, sample_rate, retention_days, max_cases_per_day/,
    ],
    [
      '  - workflow: ../etc\n    sample_rate: 0.2\n    retention_days: 3\n',
      /^mileage\.yaml:3 \(audit_capture\.0\.workflow\): expected an id made of letters/,
    ],
    [
      '  - { workflow: a, sample_rate: 0.5, retention_days: 7 }\n  - { workflow: a, sample_rate: 1, retention_days: 7 }\n',
      /^mileage\.yaml:4 \(audit_capture\.1\.workflow\): workflow a is listed twice/,
    ],
  ])('refuses a bad entry naming the file, line and field (%#)', (entries, message) => {
    expect(() => parseCaptureOptIns(file(entries), 'mileage.yaml')).toThrow(message);
  });

  it('refuses a section that is not a list', () => {
    expect(() => parseCaptureOptIns('org: a\naudit_capture: alert-triage\n', 'm.yaml')).toThrow(
      /audit_capture/,
    );
  });
});
