import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLinearIssues } from './parse.js';

const nodes: unknown = JSON.parse(
  readFileSync(new URL('../../../../test/fixtures/linear/issues.json', import.meta.url), 'utf8'),
);

describe('Linear issues', () => {
  const { records, problems } = parseLinearIssues(nodes, { file: 'linear.json' });

  it('keeps completed issues only and reports bad nodes by path', () => {
    expect(records.map((r) => r.ref)).toEqual(['BIL-231', 'BIL-232', 'OPS-7']);
    expect(problems.map((p) => [p.file, p.field])).toEqual([['linear.json', '[4].completedAt']]);
  });

  it.each([
    // ref, closed at, actor, points, basis, category, workType
    ['BIL-231', '2026-07-02T15:52:00.000Z', 'u-1', 3, 'estimate', 'new_value', 'Feature'],
    ['BIL-232', '2026-07-03T08:00:00.000Z', null, null, null, 'ktlo', 'Bug'],
    ['OPS-7', '2026-07-05T10:00:00.000Z', 'u-2', 8, 'estimate', 'ktlo', 'Chore'],
  ])('%s: time, assignee, estimate, category', (ref, at, actor, points, pointsBasis, category, workType) => {
    const r = records.find((x) => x.ref === ref);
    expect(r?.at.toISOString()).toBe(at);
    expect(r).toMatchObject({
      source: 'linear',
      kind: 'ticket_closed',
      actor,
      points,
      pointsBasis,
      category,
      workType,
    });
  });

  it('ids come from the issue UUID, so a moved issue (new identifier) keeps its id', () => {
    const moved = (nodes as { identifier: string }[]).map((n) => ({
      ...n,
      identifier: `NEW-${n.identifier}`,
    }));
    expect(parseLinearIssues(moved, { file: 'x' }).records.map((r) => r.id)).toEqual(
      records.map((r) => r.id),
    );
  });

  it('a document that is not an array is one problem', () => {
    expect(parseLinearIssues({ data: null }, { file: 'linear.json' }).problems).toHaveLength(1);
  });
});
