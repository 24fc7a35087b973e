import { describe, expect, it } from 'vitest';
import { findStoryPointsField, parseJiraSearch } from './parse.js';

const issue = (key: string, category: string, resolution: string | null, points?: number) => ({
  id: '1',
  key,
  fields: {
    issuetype: { name: 'Story', subtask: false },
    status: { name: 'Done', statusCategory: { id: 3, key: category, name: 'Done' } },
    resolutiondate: resolution,
    created: '2026-06-24T10:00:00.000+0000',
    assignee: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Ana' },
    ...(points === undefined ? {} : { customfield_10016: points }),
  },
});

describe('Jira search/jql', () => {
  it('reads closed tickets with offset dates, story points by field id and the work category', () => {
    const page = {
      issues: [
        issue('BILL-231', 'done', '2026-07-02T15:52:00.000+0200', 5),
        issue('BILL-232', 'indeterminate', null),
        issue('BILL-233', 'done', '2026-07-03T09:00:00.000+0000'),
      ],
      nextPageToken: 'CAEaAggD',
      isLast: false,
    };
    const { records, problems } = parseJiraSearch(page, {
      file: 'j.json',
      storyPointsField: 'customfield_10016',
    });
    expect(problems).toEqual([]);
    expect(records.map((r) => [r.ref, r.points, r.pointsBasis, r.category])).toEqual([
      ['BILL-231', 5, 'estimate', 'new_value'],
      ['BILL-233', null, null, 'new_value'],
    ]);
    expect(records[0]?.at.toISOString()).toBe('2026-07-02T13:52:00.000Z');
  });

  it('finds the story-points field by name', () => {
    expect(
      findStoryPointsField([
        { id: 'summary', name: 'Summary' },
        { id: 'customfield_10026', name: 'Story Points' },
      ]),
    ).toBe('customfield_10026');
  });
});
