import { alertIdOf, type AlertCase } from '../../src/demo/alert-triage.js';

/**
 * Deterministic triage answers for the local provider server: every model answers each alert's true severity
 * and team, except on the alerts the scenario lists as that model's mistakes, where it answers one severity
 * lower (a missed page). The verdict of a scripted audit is therefore known before it runs.
 */
export function triageAnswers(
  cases: readonly AlertCase[],
  mistakes: Record<string, ReadonlySet<string>>,
): (model: string, prompt: string) => string {
  const truth = new Map(cases.map((c) => [c.id, c.reference]));
  return (model, prompt) => {
    const id = alertIdOf(prompt);
    const ref = id ? truth.get(id) : undefined;
    if (!id || !ref) return '{"severity": 4, "team": "unknown"}';
    const severity = mistakes[model]?.has(id) ? Math.min(4, ref.severity + 1) : ref.severity;
    return `{"severity": ${severity}, "team": "${ref.team}"}`;
  };
}

/** The first `count` alerts that are not severity 1 and not severity 4 (so a mistake changes the answer). */
export function mistakesAmong(cases: readonly AlertCase[], count: number, skip = 0): Set<string> {
  return new Set(
    cases
      .filter((c) => c.reference.severity !== 1 && c.reference.severity !== 4)
      .slice(skip, skip + count)
      .map((c) => c.id),
  );
}

export const TRIAGE_BAR_YAML = `org: demo
quality_bars:
  - workflow: alert-triage
    version: 1
    description: Alerts reach the right severity; no severity-1 alert is missed.
    requirements:
      - name: severity-1 alerts classified severity 1
        tags: [sev1]
        pass_rate: 1
        checks:
          - { kind: equals, json_path: $.severity, expected: { value: 1 } }
      - name: same severity as the reference
        pass_rate: 0.95
        checks:
          - { kind: equals, json_path: $.severity, expected: { reference: severity } }
          - { kind: json_schema, schema: { type: object, required: [severity, team] } }
`;
