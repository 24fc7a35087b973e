import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findStoryPointsField, parseJiraSearch } from './parse.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../test/fixtures/jira/${name}`, import.meta.url), 'utf8'));
const page = fixture('search-jql.json');
const ctx = { file: 'jira.json', storyPointsField: 'customfield_10016' };

describe('Jira search/jql', () => {
  const { records, problems } = parseJiraSearch(page, ctx);

  it('keeps done tickets with a resolution date; reports bad dates by path', () => {
    expect(records.map((r) => r.ref)).toEqual(['BILL-231', 'BILL-233', 'OPS-7']);
    expect(problems).toEqual([
      {
        file: 'jira.json',
        line: null,
        field: 'issues[5].fields.resolutiondate',
        message: 'expected a Jira date like 2026-07-02T15:52:00.000+0000',
      },
    ]);
  });

  it.each([
    // key, closed at (UTC), opened at (UTC), actor, points, basis, category, workType
    [
      'BILL-231',
      '2026-07-02T15:52:00.000Z',
      '2026-06-24T10:00:00.000Z',
      '5b10ac8d82e05b22cc7d4ef5',
      5,
      'estimate',
      'new_value',
      'Story',
    ],
    ['BILL-233', '2026-07-02T23:30:00.000Z', '2026-07-02T15:40:00.000Z', null, null, null, 'ktlo', 'Bug'],
    [
      'OPS-7',
      '2026-07-04T09:00:00.000Z',
      '2026-07-01T09:00:00.000Z',
      '712020:1f6c7e1a-0b2d-4c3e-9f8a-7b6c5d4e3f21',
      0.5,
      'estimate',
      'unknown',
      'Task',
    ],
  ])(
    '%s: offset dates, points, category',
    (key, at, opened, actor, points, pointsBasis, category, workType) => {
      const r = records.find((x) => x.ref === key);
      expect(r?.at.toISOString()).toBe(at);
      expect(r?.openedAt?.toISOString()).toBe(opened);
      expect(r).toMatchObject({
        source: 'jira',
        kind: 'ticket_closed',
        actor,
        points,
        pointsBasis,
        category,
        workType,
        count: 1,
      });
    },
  );

  it('without a story-points field there are no points', () => {
    const none = parseJiraSearch(page, { ...ctx, storyPointsField: null }).records;
    expect(none.map((r) => [r.points, r.pointsBasis])).toEqual([
      [null, null],
      [null, null],
      [null, null],
    ]);
  });

  it('ids depend on the key only: a ticket re-fetched later is the same record', () => {
    const again = parseJiraSearch(page, { ...ctx, file: 'other.json' }).records.map((r) => r.id);
    expect(records.map((r) => r.id)).toEqual(again);
  });

  it('a body that is not a page is one problem', () => {
    expect(parseJiraSearch({ errorMessages: ['Gone'] }, ctx).problems).toHaveLength(1);
  });

  it.each([
    [fixture('fields.json') as { id: string; name: string }[], 'customfield_10016'],
    [[{ id: 'customfield_10026', name: ' story POINTS ' }], 'customfield_10026'],
    [[{ id: 'summary', name: 'Summary' }], null],
  ])('finds the story-points field by name (%#)', (fields, id) => {
    expect(findStoryPointsField(fields)).toBe(id);
  });
});
