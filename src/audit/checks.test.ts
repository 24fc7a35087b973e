import { describe, expect, it } from 'vitest';
import { usd } from '../domain/money.js';
import { checkSchema, type Check } from './bar.js';
import { runCheck, type CheckContext, type ScoredAnswer } from './checks.js';
import { answerJson, parseJsonPath } from './extract.js';

const answer = (text: string, over: Partial<ScoredAnswer> = {}): ScoredAnswer => ({
  text,
  latencyMs: 100,
  cost: usd('0.001'),
  ...over,
});

function status(raw: unknown, text: string, ctx: Partial<CheckContext> = {}): string {
  const check: Check = checkSchema.parse(raw);
  return runCheck(check, {
    answer: answer(text),
    reference: { severity: 1, total: 200 },
    incumbent: null,
    judgeScore: () => null,
    ...ctx,
  }).status;
}

describe('extraction', () => {
  it('reads JSON in fences and embedded in prose', () => {
    expect(answerJson('```json\n{"a":1}\n```')).toEqual({ a: 1 });
    expect(answerJson('Here it is: {"a":{"b":[3]}} hope it helps')).toEqual({ a: { b: [3] } });
    expect(answerJson('no json here')).toBeUndefined();
  });
  it('parses JSON paths and refuses what it cannot read', () => {
    expect(parseJsonPath("$.a.b[2]['c d']")).toEqual(['a', 'b', 2, 'c d']);
    expect(() => parseJsonPath('a.b')).toThrow(/starts with/);
    expect(() => parseJsonPath('$.a..b')).toThrow(/character/);
  });
});

describe('check kinds', () => {
  const sev = { kind: 'equals', json_path: '$.severity', expected: { reference: 'severity' } };
  it.each([
    [sev, '{"severity":1}', 'pass'],
    [sev, '{"severity":"1"}', 'pass'],
    [sev, '{"severity":2}', 'fail'],
    [sev, 'severity one', 'fail'],
    [{ kind: 'equals', regex: 'SEV(\\d)', expected: { value: 1 } }, 'Triage: SEV1 page now', 'pass'],
    [{ kind: 'one_of', json_path: '$.team', values: ['db', 'net'] }, '{"team":"net"}', 'pass'],
    [{ kind: 'one_of', json_path: '$.team', values: ['db', 'net'] }, '{"team":"web"}', 'fail'],
    [
      {
        kind: 'json_schema',
        schema: { type: 'object', required: ['severity'], properties: { severity: { type: 'integer' } } },
      },
      '{"severity":2}',
      'pass',
    ],
    [{ kind: 'json_schema', schema: { type: 'object', required: ['severity'] } }, '{"sev":2}', 'fail'],
    [{ kind: 'json_schema', schema: { type: 'object' } }, 'not json', 'fail'],
    [{ kind: 'regex', pattern: '^ack', flags: 'i' }, 'ACK: paging', 'pass'],
    [{ kind: 'contains', text: 'runbook' }, 'see the runbook', 'pass'],
    [{ kind: 'contains', text: 'Runbook', ignore_case: true }, 'see the runbook', 'pass'],
    [{ kind: 'not_contains', text: 'password' }, 'the password is', 'fail'],
    [
      { kind: 'numeric', json_path: '$.total', expected: { reference: 'total' }, tolerance: 0.5 },
      '{"total":200.4}',
      'pass',
    ],
    [
      { kind: 'numeric', json_path: '$.total', expected: { reference: 'total' }, tolerance_percent: 1 },
      '{"total":203}',
      'fail',
    ],
    [
      { kind: 'numeric', json_path: '$.total', expected: { reference: 'total' }, tolerance_percent: 1 },
      '{"total":201.9}',
      'pass',
    ],
    [{ kind: 'max_latency', ms: 99 }, 'x', 'fail'],
    [{ kind: 'max_latency', ms: 100 }, 'x', 'pass'],
    [{ kind: 'max_cost', usd: '0.001' }, 'x', 'pass'],
    [{ kind: 'max_cost', usd: 0.0009 }, 'x', 'fail'],
  ])('%j on %s → %s', (check, text, want) => {
    expect(status(check, text)).toBe(want);
  });

  it('agreement compares with the incumbent on the same case', () => {
    const check = { kind: 'agrees_with_incumbent', json_path: '$.severity' };
    expect(status(check, '{"severity":2}', { incumbent: answer('{"severity":2,"note":"x"}') })).toBe('pass');
    expect(status(check, '{"severity":3}', { incumbent: answer('{"severity":2}') })).toBe('fail');
    expect(status(check, '{"severity":3}', { incumbent: null })).toBe('pass');
  });

  it('an unpriced answer leaves a cost check unscored, never passed as $0', () => {
    const check = checkSchema.parse({ kind: 'max_cost', usd: 1 });
    const r = runCheck(check, {
      answer: answer('x', { cost: null }),
      reference: null,
      incumbent: null,
      judgeScore: () => null,
    });
    expect(r.status).toBe('unscored');
  });

  it('a judge check reads the recorded score against its threshold', () => {
    const check = {
      kind: 'llm_judge',
      rubric: 'Names the failing service',
      judge_model: 'claude-sonnet-4-6',
      threshold: 0.7,
    };
    expect(status(check, 'x', { judgeScore: () => 0.8 })).toBe('pass');
    expect(status(check, 'x', { judgeScore: () => 0.5 })).toBe('fail');
    expect(status(check, 'x', { judgeScore: () => null })).toBe('unscored');
  });

  it('a reference missing from the case leaves an equals check unscored', () => {
    expect(status({ kind: 'equals', json_path: '$.x', expected: { reference: 'nope' } }, '{"x":1}')).toBe(
      'unscored',
    );
  });

  it('refuses unknown kinds and fields', () => {
    expect(checkSchema.safeParse({ kind: 'vibes' }).success).toBe(false);
    expect(checkSchema.safeParse({ kind: 'regex', pattern: 'a', colour: 'red' }).success).toBe(false);
  });
});
