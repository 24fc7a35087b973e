import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseGithubPullNodes } from './parse.js';

const nodes: unknown = JSON.parse(
  readFileSync(new URL('../../../../test/fixtures/github/pull-nodes.json', import.meta.url), 'utf8'),
);
const ctx = { file: 'prs.json', repo: 'acme/billing' };

describe('GitHub PullRequest nodes', () => {
  const { records, problems } = parseGithubPullNodes(nodes, ctx);
  const pr = (ref: string) => records.find((r) => r.ref === ref);

  it('keeps merged PRs only and reports bad nodes by JSON path', () => {
    expect(records.map((r) => r.ref)).toEqual(['418', '419', '421', '422']);
    expect(problems.map((p) => [p.file, p.line, p.field])).toEqual([
      ['prs.json', null, '[5].number'],
      ['prs.json', null, '[6].commits.nodes[1].commit.authoredDate'],
    ]);
  });

  it('reads a merged PR: size, points, tickets from title and branch, first commit time (§8.1)', () => {
    expect(pr('418')).toMatchObject({
      source: 'github',
      kind: 'pr_merged',
      actor: 'ana',
      repo: 'github.com/acme/billing',
      headBranch: 'feat/BILL-231-pdf',
      linkedTickets: ['BILL-231'],
      size: { additions: 512, deletions: 87, files: 14, effectiveLines: 599 },
      points: 7.2,
      pointsBasis: 'size_model',
      category: 'new_value',
      workType: 'feature',
      count: 1,
      value: null,
      workflow: null,
    });
    expect(pr('418')?.id).toMatch(/^[0-9a-f]{32}$/);
    expect(pr('418')?.at.toISOString()).toBe('2026-07-02T15:40:09.000Z');
    expect(pr('418')?.openedAt?.toISOString()).toBe('2026-06-30T17:10:00.000Z');
    expect(JSON.stringify(pr('418'))).not.toContain('Invoice PDF export');
  });

  it.each([
    // ref, first review, approval: the author's own comment, a bot's review and a pending review do not count
    ['418', '2026-07-01T13:05:00.000Z', '2026-07-02T11:20:00.000Z'],
    ['421', '2026-07-04T11:00:00.000Z', '2026-07-04T11:00:00.000Z'],
    ['419', null, null],
  ])('review timing of #%s', (ref, firstReview, approved) => {
    expect(pr(ref)?.firstReviewAt?.toISOString() ?? null).toBe(firstReview);
    expect(pr(ref)?.approvedAt?.toISOString() ?? null).toBe(approved);
  });

  it.each([
    // ref, aiAssisted, aiEvidence
    ['418', true, 'commit markers: claude-code'], // the trailer is on the second commit
    ['419', false, null],
    ['421', true, 'commit markers: copilot'], // bot commit author and PR author `Copilot`
    ['422', false, null], // no commits fetched
  ])('AI evidence of #%s', (ref, aiAssisted, aiEvidence) => {
    expect(pr(ref)).toMatchObject({ aiAssisted, aiEvidence });
  });

  it.each([
    ['418', false, null, 'new_value', 'feature'],
    ['419', true, 'revert', 'unknown', null],
    ['421', true, 'label:Regression', 'ktlo', 'type: bug'],
    ['422', false, null, 'unknown', null],
  ])('rework and category of #%s', (ref, rework, reworkReason, category, workType) => {
    expect(pr(ref)).toMatchObject({ rework, reworkReason, category, workType });
  });

  it('a deleted author has no actor; standards in titles are not tickets', () => {
    expect(pr('422')).toMatchObject({ actor: null, linkedTickets: ['OPS-77'], points: 1 });
    expect(pr('419')?.linkedTickets).toEqual(['BILL-231']);
  });

  it('rework labels are configurable', () => {
    const custom = parseGithubPullNodes(nodes, { ...ctx, reworkLabels: ['backend'] }).records;
    expect(custom.find((r) => r.ref === '421')?.reworkReason).toBe('label:backend');
  });

  it('ids are deterministic per repository and number', () => {
    const again = parseGithubPullNodes(nodes, ctx).records.map((r) => r.id);
    expect(records.map((r) => r.id)).toEqual(again);
    const other = parseGithubPullNodes(nodes, { ...ctx, repo: 'acme/web' }).records.map((r) => r.id);
    expect(other[0]).not.toBe(again[0]);
  });

  it('a document that is not an array is one problem', () => {
    expect(parseGithubPullNodes({ data: {} }, ctx).problems).toEqual([
      {
        file: 'prs.json',
        line: null,
        field: null,
        message: 'expected an array of PullRequest nodes',
        wholePage: true,
      },
    ]);
  });
});
