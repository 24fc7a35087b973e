import { describe, expect, it } from 'vitest';
import { usd } from '../domain/money.js';
import { parseQualityBars } from './bar-file.js';
import type { ScoredAnswer } from './checks.js';
import type { AuditCase } from './dataset.js';
import { scoreModel, type AnswerTable } from './scorer.js';
import { decide } from './verdict.js';

const BAR = `
org: acme
quality_bars:
  - workflow: alert-triage
    version: 3
    margin: 0.05
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
`;
const bar = parseQualityBars(BAR, 'mileage.yaml')[0]!;

/** n cases, one in ten severity 1; the candidate gets `wrong` of the non-sev-1 ones wrong. */
function scenario(n: number, wrong: number) {
  const cases: AuditCase[] = [];
  const incumbent = new Map<string, ScoredAnswer[]>();
  const candidate = new Map<string, ScoredAnswer[]>();
  let left = wrong;
  for (let i = 0; i < n; i++) {
    const severity = i % 10 === 0 ? 1 : 2 + (i % 3);
    const id = `case-${i}`;
    cases.push({
      id,
      format: 'anthropic-messages',
      request: {},
      reference: { severity },
      tags: severity === 1 ? ['sev1'] : [],
    });
    const right = { text: JSON.stringify({ severity }), latencyMs: 50, cost: usd('0.01') };
    incumbent.set(id, [right]);
    const miss = severity !== 1 && left > 0;
    if (miss) left--;
    candidate.set(id, [miss ? { ...right, text: '{"severity":5}' } : right]);
  }
  const judge = () => null;
  const inc = scoreModel(bar, cases, incumbent, null, judge);
  const cand = scoreModel(bar, cases, candidate, incumbent, judge);
  return decide(bar, 'claude-haiku-4-5', cand, inc, n);
}

// Expected figures: scipy 1.17.1 (test/fixtures/audit/expected-statistics.py), not this code.
describe('verdicts', () => {
  it('97% of 600 against a 95% bar: move, with the independently computed interval and p-value', () => {
    const v = scenario(600, 18);
    expect(v.verdict).toBe('move');
    const same = v.requirements[1]!;
    expect([same.passed, same.n]).toEqual([582, 600]);
    expect(same.interval.low).toBeCloseTo(0.9530792576730232, 12);
    expect(same.interval.high).toBeCloseTo(0.980940743374098, 12);
    expect(same.pValue).toBeCloseTo(0.01127700631521027, 12);
    expect(same.paired?.onlyIncumbent).toBe(18);
    expect(same.paired?.mcnemarP).toBeCloseTo(7.62939453125e-6, 15);
    expect(same.paired?.nonInferior).toBe(true);
    expect(v.requirements[0]!.status).toBe('pass');
  });

  it('90% of 600: keep, listing the failing cases', () => {
    const v = scenario(600, 60);
    expect(v.verdict).toBe('keep');
    const same = v.requirements[1]!;
    expect(same.status).toBe('fail');
    expect(same.failures).toHaveLength(60);
    expect(same.failures[0]).toMatchObject({ caseId: 'case-1', why: '$.severity differs from expected' });
    expect(same.interval.high).toBeCloseTo(0.9215183304119361, 12);
    expect(v.reasons.join('\n')).toMatch(/fails same severity as the reference: 540 of 600/);
  });

  it('39 of 40: inconclusive, with the cases that would decide it', () => {
    const v = scenario(40, 1);
    expect(v.verdict).toBe('inconclusive');
    expect(v.requirements[1]!.casesNeeded).toBe(292);
    // 292 would decide the rate requirement; the paired margin needs more at a 2.5-point gap.
    expect(v.moreCasesNeeded).toBeGreaterThanOrEqual(292 - 40);
  });

  it('one severity-1 miss fails an every-case requirement whatever the rest', () => {
    const cases: AuditCase[] = [
      { id: 'a', format: 'anthropic-messages', request: {}, reference: { severity: 1 }, tags: ['sev1'] },
    ];
    const answers: AnswerTable = new Map([['a', [{ text: '{"severity":2}', latencyMs: 1, cost: null }]]]);
    const v = decide(
      bar,
      'm',
      scoreModel(bar, cases, answers, null, () => null),
      null,
      1,
    );
    expect(v.verdict).toBe('keep');
  });
});

describe('bars in mileage.yaml', () => {
  it('names the line and field of a bad check', () => {
    const bad = BAR.replace('kind: equals, json_path', 'kind: equal, json_path');
    expect(() => parseQualityBars(bad, 'mileage.yaml')).toThrow(
      /mileage\.yaml:1[0-9] \(quality_bars\.0\.requirements\.0\.checks\.0/,
    );
  });
  it('refuses two bars with the same workflow and version', () => {
    const twice = BAR + BAR.split('quality_bars:\n')[1];
    expect(() => parseQualityBars(twice, 'mileage.yaml')).toThrow(/already has a bar version 3/);
  });
});
