import type { AnswerEntry } from '../audit/results-log.js';
import { parseTarget } from '../audit/target.js';
import { taskFor } from '../audit/task-key.js';
import { alertTriageCases, type AlertCase } from './alert-triage.js';
import { makeRng } from './rng.js';

/**
 * The demo's recorded audit of alert triage: 500 synthetic alerts answered by the incumbent (always the
 * on-call severity) and by claude-haiku-4-5 (four non-severity-1 alerts one level off), with usage counted as
 * the providers count it and latencies drawn per model. Recorded rather than called, so `npm start` and
 * `audit run --replay` work offline; the answers are what the local provider server in the tests gives.
 */
export const DEMO_AUDIT = {
  runId: 'audit-demo-alert-triage',
  workflow: 'alert-triage',
  cases: 500,
  candidate: 'claude-haiku-4-5',
  /** Days before the demo's end the audit ran. */
  daysBeforeEnd: 12,
} as const;

const tokens = (s: string) => Math.max(1, Math.ceil(s.length / 4));

export function recordedTriageAudit(
  incumbent: string,
  at: Date,
): { cases: AlertCase[]; answers: AnswerEntry[]; targets: string[] } {
  const cases = alertTriageCases(DEMO_AUDIT.cases, 2026);
  const rng = makeRng(2026).fork('audit-latency');
  const wrong = new Set(
    cases
      .filter((c) => c.reference.severity === 2 || c.reference.severity === 3)
      .slice(0, 4)
      .map((c) => c.id),
  );
  const targets = [parseTarget(incumbent), parseTarget(DEMO_AUDIT.candidate)];
  const answers: AnswerEntry[] = [];
  for (const c of cases) {
    for (const target of targets) {
      const { key } = taskFor(c, target, 0);
      const miss = target.model === DEMO_AUDIT.candidate && wrong.has(c.id);
      const severity = miss ? c.reference.severity + 1 : c.reference.severity;
      const text = `{"severity": ${severity}, "team": "${c.reference.team}"}`;
      const prompt = `${c.request.system}\n${c.request.messages.map((m) => m.content).join('\n')}`;
      const input = tokens(prompt);
      const fast = target.model === DEMO_AUDIT.candidate;
      answers.push({
        t: 'answer',
        key,
        case: c.id,
        target: target.id,
        trial: 0,
        text,
        tokens: { input, cacheRead: 0, cacheWrite: 0, output: tokens(text), reasoning: 0 },
        latencyMs: Math.round(rng.lognormal(fast ? 650 : 2400, 0.3)),
        served: target.model,
        at: at.toISOString(),
      });
    }
  }
  return { cases, answers, targets: targets.map((t) => t.id) };
}
