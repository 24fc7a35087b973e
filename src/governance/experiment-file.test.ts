import { describe, expect, it } from 'vitest';
import { parseExperiments } from './experiment-file.js';

/** experiments: in mileage.yaml — each problem named by file, line, column and field, none silently kept. */
const HEAD = `org: acme
teams:
  - { id: payments, name: Payments }
  - { id: data, name: Data }
experiments:
`;

const GOOD = `  - id: pilot
    title: Agents on the PR loop
    hypothesis: Agents let a team merge more.
    success: Payments merges 30% more PRs per engineer than before, beyond Data's change.
    treatment: [payments]
    control: [data]
    baseline: { from: 2026-08-24, sprints: 3 }
    test: { from: 2026-10-05, weeks: 6 }
    metrics:
      - { metric: delivery.throughput_per_engineer, target: "+30%" }
      - { metric: effectiveness.cost_per_merged_pr, target: "within $10" }
      - { metric: quality.rework_tax, target: "not rising by more than 0.05" }
`;

describe('experiments in mileage.yaml', () => {
  it('reads a valid experiment: windows in sprints or weeks, targets parsed, defaults filled', () => {
    const r = parseExperiments(HEAD + GOOD, 'mileage.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const [e] = r.value;
    expect(e?.baseline).toEqual({ since: '2026-08-24', until: '2026-10-05' });
    expect(e?.test).toEqual({ since: '2026-10-05', until: '2026-11-16' });
    expect(e?.metrics.map((m) => m.target)).toEqual([
      { kind: 'change', scale: 'relative', amount: 0.3, text: '+30%' },
      { kind: 'level', op: '<=', limit: 10, limitText: '10', text: 'within $10' },
      {
        kind: 'guard',
        against: 'rising',
        scale: 'absolute',
        tolerance: 0.05,
        text: 'not rising by more than 0.05',
      },
    ]);
    expect([e?.confidence, e?.resamples, e?.seed, e?.minWeeks, e?.minSample, e?.sprintWeeks]).toEqual([
      0.9, 2000, 1, 3, 20, 2,
    ]);
  });

  it.each([
    [
      'an unknown team',
      GOOD.replace('control: [data]', 'control: [dta]'),
      6,
      'experiments[0].control[0]',
      'no team "dta"',
    ],
    [
      'a team on both sides',
      GOOD.replace('control: [data]', 'control: [payments]'),
      6,
      'experiments[0].control[0]',
      'both treatment and control',
    ],
    [
      'a window not starting on a Monday',
      GOOD.replace('from: 2026-08-24', 'from: 2026-08-26'),
      7,
      'experiments[0].baseline.from',
      'is a Wednesday',
    ],
    [
      'overlapping windows',
      GOOD.replace('from: 2026-10-05', 'from: 2026-09-28'),
      8,
      'experiments[0].test.from',
      'may not overlap',
    ],
    [
      'a metric outside the catalog',
      GOOD.replace('metric: quality.rework_tax', 'metric: quality.rework'),
      12,
      'experiments[0].metrics[2].metric',
      'no metric "quality.rework"',
    ],
    [
      'a metric that cannot split by team',
      GOOD.replace('metric: quality.rework_tax', 'metric: trajectory.growth'),
      12,
      'experiments[0].metrics[2].metric',
      'cannot be computed per team',
    ],
    [
      'an unreadable target',
      GOOD.replace('"+30%"', '"30 percent more"'),
      10,
      'experiments[0].metrics[0].target',
      'expected a target such as',
    ],
    [
      'too few metrics',
      GOOD.replace(/ {6}- \{ metric: quality.*\n/, ''),
      10,
      'experiments[0].metrics',
      '3 to 6 metrics',
    ],
    [
      'a misspelt field',
      GOOD.replace('control:', 'contol:'),
      6,
      'experiments[0].contol',
      'did you mean "control"',
    ],
  ])('names the field of %s', (_what, entry, line, field, message) => {
    const r = parseExperiments(HEAD + entry, 'mileage.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const issue = r.error.find((i) => i.field === field);
    expect(issue, JSON.stringify(r.error)).toBeDefined();
    expect(issue?.message).toContain(message);
    expect(issue?.line).toBe(line + 5);
    expect(issue?.file).toBe('mileage.yaml');
  });

  it('refuses two experiments with one id', () => {
    const r = parseExperiments(HEAD + GOOD + GOOD, 'mileage.yaml');
    expect(r.ok ? [] : r.error.map((i) => `${i.field}: ${i.message}`)).toEqual([
      'experiments[1].id: experiment id "pilot" is already used by experiments[0]',
    ]);
  });
});
