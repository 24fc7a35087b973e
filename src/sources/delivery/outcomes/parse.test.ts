import { describe, expect, it } from 'vitest';
import { parseOutcomesCsv, parseOutcomesJsonl } from './parse.js';

describe('workflow outcomes', () => {
  it('reads CSV with quoted fields, defaults count to 1 and keeps decimal values exact', () => {
    const text =
      'at,workflow,kind,count,value,actor,ref\n2026-07-01T10:00:00Z,deals,deal_closed,,"1,000.10",ana@acme.com,D-1\n2026-07-01T11:00:00Z,"support, tier 1",ticket_resolved,3,,,\n';
    const { records, problems } = parseOutcomesCsv(text, 'o.csv');
    expect(problems).toEqual([
      { file: 'o.csv', line: 2, field: 'value', message: 'not a decimal amount: 1,000.10' },
    ]);
    expect(records.map((r) => [r.workflow, r.kind, r.count])).toEqual([
      ['support, tier 1', 'ticket_resolved', 3],
    ]);
  });

  it('gives identical rows distinct, stable ids and names bad fields with their line', () => {
    const text = [
      '{"at":"2026-07-01T10:00:00Z","workflow":"triage","kind":"alert_triaged","value":"0.10"}',
      '{"at":"2026-07-01T10:00:00Z","workflow":"triage","kind":"alert_triaged","value":"0.10"}',
      '{"at":"yesterday","workflow":"triage","kind":"alert_triaged"}',
      '{"at":"2026-07-01T10:00:00Z","workflow":"triage","kind":"alert_triaged","count":-2}',
      'not json',
    ].join('\n');
    const first = parseOutcomesJsonl(text, 'o.jsonl');
    const again = parseOutcomesJsonl(text, 'o.jsonl');
    expect(first.records).toHaveLength(2);
    expect(new Set(first.records.map((r) => r.id)).size).toBe(2);
    expect(again.records.map((r) => r.id)).toEqual(first.records.map((r) => r.id));
    expect(first.records[0]?.value?.toString()).toBe('0.1');
    expect(first.problems.map((p) => [p.line, p.field])).toEqual([
      [3, 'at'],
      [4, 'count'],
      [5, null],
    ]);
  });
});
