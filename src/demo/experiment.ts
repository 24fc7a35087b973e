import { addDays, weekStart } from '../domain/time.js';
import type { Calendar } from './calendar.js';
import type { TeamId } from './org.js';

/**
 * The experiment the demo plants: two teams get coding agents on their PR loop for three two-week sprints,
 * a third team carries on as before, and the three sprints before are the baseline. With a lift planted, the
 * treatment teams' delivery rate rises over the first test sprint to `experimentLift` times what it would
 * have been; the control variant (lift 1) leaves it as it was, so the same experiment is not met there.
 */
export const DEMO_EXPERIMENT = {
  id: 'agents-on-the-pr-loop',
  treatment: ['payments', 'frontend'] as const satisfies readonly TeamId[],
  control: ['data'] as const satisfies readonly TeamId[],
  sprintWeeks: 2,
  sprints: 3,
} as const;

/** Days the lift takes to reach its full size: the first sprint's working days. */
const RAMP_DAYS = 14;

export interface ExperimentWindows {
  baselineFrom: string;
  testFrom: string;
}

/** The test is the last three sprints before the demo's end; the baseline the three before it. */
export function experimentWindows(end: string): ExperimentWindows {
  const span = DEMO_EXPERIMENT.sprints * DEMO_EXPERIMENT.sprintWeeks * 7;
  const testFrom = addDays(weekStart(end), -span);
  return { testFrom, baselineFrom: addDays(testFrom, -span) };
}

/** The treatment teams' delivery multiplier per day of the calendar (1 outside the test). */
export function treatmentLift(cal: Calendar, lift: number): number[] {
  const { testFrom } = experimentWindows(cal.end);
  return cal.days.map((day) => {
    if (day < testFrom || lift === 1) return 1;
    const into = (Date.parse(`${day}T00:00:00Z`) - Date.parse(`${testFrom}T00:00:00Z`)) / 86_400_000;
    return 1 + (lift - 1) * Math.min(1, (into + 1) / RAMP_DAYS);
  });
}

export function isTreatment(team: string): boolean {
  return (DEMO_EXPERIMENT.treatment as readonly string[]).includes(team);
}

/** The experiment as written in the demo's mileage.yaml, success definition first, as it is written before. */
export function experimentYaml(end: string): string[] {
  const w = experimentWindows(end);
  const e = DEMO_EXPERIMENT;
  return [
    'experiments:',
    `  - id: ${e.id}`,
    '    title: Coding agents on the PR loop for Payments and Frontend',
    '    hypothesis: >-',
    '      With an agent drafting and revising PRs, an engineer merges a third more each week, at an AI cost per',
    '      merged PR the budget can carry, without more rework.',
    '    success: >-',
    '      After three sprints, Payments and Frontend each merge at least 30% more PRs per engineer than before,',
    '      beyond any change in Data over the same sprints; a merged PR costs no more than $10 in AI spend; and',
    '      the share of rework does not rise by more than fifteen points.',
    `    treatment: [${e.treatment.join(', ')}]`,
    `    control: [${e.control.join(', ')}]`,
    `    sprint_weeks: ${e.sprintWeeks}`,
    `    baseline: { from: ${w.baselineFrom}, sprints: ${e.sprints} }`,
    `    test: { from: ${w.testFrom}, sprints: ${e.sprints} }`,
    '    metrics:',
    '      - { metric: delivery.throughput_per_engineer, target: "+30%" }',
    '      - { metric: effectiveness.cost_per_merged_pr, target: "within $10" }',
    '      - { metric: quality.rework_tax, target: "not rising by more than 0.15" }',
  ];
}
