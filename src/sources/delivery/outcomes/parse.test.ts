import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseOutcomesCsv, parseOutcomesJsonl } from './parse.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../../test/fixtures/outcomes/${name}`, import.meta.url), 'utf8');

describe('workflow outcomes, CSV', () => {
  const { records, problems } = parseOutcomesCsv(fixture('outcomes.csv'), 'o.csv');

  it('reads quoted fields with commas, quotes and line breaks; defaults count to 1; keeps values exact', () => {
    expect(
      records.map((r) => [
        r.at.toISOString(),
        r.workflow,
        r.kind,
        r.count,
        r.value?.toString() ?? null,
        r.actor,
        r.ref,
      ]),
    ).toEqual([
      ['2026-07-01T10:00:00.000Z', 'deals', 'deal_closed', 1, '1250.5', 'ana@example.com', 'D-1'],
      ['2026-07-01T09:00:00.000Z', 'support, tier 1', 'ticket_resolved', 3, null, null, null],
      ['2026-07-01T00:00:00.000Z', 'alert-triage', 'alert_triaged', 40, null, null, 'alerts-2026-07-01'],
      ['2026-07-02T09:00:00.000Z', 'review-bot', 'review_posted', 1, null, null, null],
      ['2026-07-02T09:00:00.000Z', 'review-bot', 'review_posted', 1, null, null, null],
    ]);
    expect(records[0]).toMatchObject({
      source: 'outcomes-file',
      aiAssisted: true,
      aiEvidence: 'workflow:deals',
      category: 'unknown',
    });
  });

  it('reports each bad row with its line and column, and keeps the rest', () => {
    expect(problems.map((p) => [p.line, p.field, p.message])).toEqual([
      [6, 'value', 'not a decimal amount: 1,000.10'],
      [7, 'at', expect.stringMatching(/^not an ISO-8601 time with a zone/)],
      [11, 'count', 'not a whole number >= 0'],
      [12, 'workflow', 'missing'],
      [13, 'ref', 'duplicate ref D-1 in workflow deals (first on line 2)'],
      [14, null, '9 fields for 8 columns (a comma in an unquoted value?)'],
    ]);
    expect(problems.every((p) => p.file === 'o.csv')).toBe(true);
  });

  it('ids: from (workflow, ref) when given; identical rows without ref stay distinct and stable', () => {
    const again = parseOutcomesCsv(fixture('outcomes.csv'), 'elsewhere.csv').records.map((r) => r.id);
    expect(records.map((r) => r.id)).toEqual(again);
    expect(new Set(again).size).toBe(records.length);
    const edited = parseOutcomesCsv(
      'at,workflow,kind,ref,count\n2026-07-05T00:00:00Z,deals,deal_closed,D-1,2\n',
      'x',
    );
    expect(edited.records[0]?.id).toBe(records[0]?.id);
  });

  it.each([
    ['', 1, null, 'empty file (expected a header row)'],
    [
      'workflow,kind\ndeals,deal_closed\n',
      1,
      'at',
      'header has no at column (expected at,workflow,kind,count,value,actor,ref)',
    ],
    ['at,workflow,kind,AT\n', 1, 'at', 'column at appears twice in the header'],
    [
      '\uFEFFat,workflow,kind\n2026-07-01T00:00:00Z,w,"k\n',
      2,
      null,
      'unterminated quoted field (opened on line 2)',
    ],
  ])('header and file problems (%#)', (text, line, field, message) => {
    expect(parseOutcomesCsv(text, 'h.csv').problems).toEqual([{ file: 'h.csv', line, field, message }]);
  });
});

describe('workflow outcomes, JSONL', () => {
  const { records, problems } = parseOutcomesJsonl(fixture('outcomes.jsonl'), 'o.jsonl');

  it('reads rows; numbers as text and numbers in place of strings are accepted', () => {
    expect(records.map((r) => [r.workflow, r.count, r.value?.toString() ?? null, r.ref, r.actor])).toEqual([
      ['alert-triage', 1, '0.1', null, null],
      ['alert-triage', 1, '0.1', null, null],
      ['alert-triage', 1, '0.1', null, null],
      ['support-bot', 2, null, '4711', null],
    ]);
    expect(new Set(records.map((r) => r.id)).size).toBe(4);
  });

  it('reports bad lines with their numbers', () => {
    expect(problems.map((p) => [p.line, p.field, p.message])).toEqual([
      [5, 'at', expect.stringMatching(/^not an ISO-8601 time/)],
      [6, 'count', 'not a whole number >= 0'],
      [8, null, 'expected a JSON object'],
      [9, 'workflow', 'missing'],
      [10, null, 'invalid JSON'],
      [11, null, 'incomplete line (file still being written?)'],
    ]);
  });
});
