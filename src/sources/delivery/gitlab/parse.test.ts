import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countDiffLines, parseGitlabMergeRequests, projectPath } from './parse.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../test/fixtures/gitlab/${name}`, import.meta.url), 'utf8'));
const byIid = (doc: unknown) =>
  new Map(Object.entries(doc as object).map(([k, v]) => [Number(k), v as unknown]));
const mrs = fixture('merge-requests.json');
const ctx = {
  file: 'mrs.json',
  commits: byIid(fixture('mr-commits.json')),
  diffs: byIid(fixture('mr-diffs.json')),
  approvals: byIid(fixture('mr-approvals.json')),
  notes: byIid(fixture('mr-notes.json')),
};

describe('GitLab merge requests', () => {
  const { records, problems } = parseGitlabMergeRequests(mrs, ctx);
  const mr = (ref: string) => records.find((r) => r.ref === ref);

  it('keeps merged MRs only and reports bad MRs and bad commits by path', () => {
    expect(records.map((r) => r.ref)).toEqual(['77', '78', '80']);
    expect(problems.map((p) => [p.file, p.field])).toEqual([
      ['mrs.json', '[4].created_at'],
      ['mrs.json', '[3].commits[1].message'],
    ]);
  });

  it.each([
    // iid, first review (the author's own note and other system notes do not count), first approval
    ['77', '2026-07-01T13:05:00.000Z', '2026-07-02T11:20:00.000Z'],
    // No approved_at (GitLab before 18.4): the system note carries the time.
    ['80', '2026-07-04T10:15:00.000Z', '2026-07-04T10:15:00.000Z'],
    ['78', null, null],
  ])('review timing of !%s from approvals and notes', (iid, firstReview, approved) => {
    expect(mr(iid)?.firstReviewAt?.toISOString() ?? null).toBe(firstReview);
    expect(mr(iid)?.approvedAt?.toISOString() ?? null).toBe(approved);
  });

  it('reads a merged MR: project from web_url, branch tickets, first commit time, diff size (§8.2)', () => {
    expect(mr('77')).toMatchObject({
      source: 'gitlab',
      kind: 'pr_merged',
      actor: 'ana',
      repo: 'gitlab.example.com/acme/billing',
      headBranch: 'feat/BILL-231-pdf',
      linkedTickets: ['BILL-231'],
      // 4 lines in src/pdf.ts, 3 in a file GitLab flags as generated (not effective).
      size: { additions: 6, deletions: 1, files: 2, effectiveLines: 4 },
      pointsBasis: 'size_model',
      category: 'new_value',
      workType: 'feature',
    });
    expect(mr('77')?.at.toISOString()).toBe('2026-07-02T15:40:09.001Z');
    expect(mr('77')?.openedAt?.toISOString()).toBe('2026-06-30T17:10:00.000Z');
    expect(JSON.stringify(records)).not.toContain('Invoice PDF export');
  });

  it.each([
    ['77', true, 'commit markers: claude-code', false, null],
    ['78', false, null, true, 'revert'],
    ['80', true, 'commit markers: cursor', true, 'label:Regression'],
  ])('AI evidence and rework of !%s', (ref, aiAssisted, aiEvidence, rework, reworkReason) => {
    expect(mr(ref)).toMatchObject({ aiAssisted, aiEvidence, rework, reworkReason });
  });

  it('without diffs an MR has no size and no points; without commits no commit evidence', () => {
    const bare = parseGitlabMergeRequests(mrs, { file: 'mrs.json' }).records.find((r) => r.ref === '77');
    expect(bare).toMatchObject({ size: null, points: null, pointsBasis: null, aiAssisted: false });
  });

  it('ids come from project id and iid, not from the path', () => {
    const moved = (mrs as { web_url: string }[]).map((m) => ({
      ...m,
      web_url: 'https://h/other/place/-/merge_requests/1',
    }));
    const again = parseGitlabMergeRequests(moved, ctx).records;
    expect(again.map((r) => r.id)).toEqual(records.map((r) => r.id));
    expect(again[0]?.repo).toBe('h/other/place');
  });

  it.each([
    ['@@ -1 +1,2 @@\n-a\n+b\n+c\n', 2, 1],
    ['--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n', 1, 1],
    ['', 0, 0],
  ])('counts diff lines', (diff, additions, deletions) => {
    expect(countDiffLines(diff)).toEqual({ additions, deletions });
  });

  it('reads the project path from web_url', () => {
    expect(projectPath('https://git.example.com/a/b/c/-/merge_requests/9')).toBe('a/b/c');
    expect(projectPath('not a url')).toBeNull();
  });

  it('a document that is not an array is one problem', () => {
    expect(parseGitlabMergeRequests({ message: '401' }, ctx).problems).toEqual([
      {
        file: 'mrs.json',
        line: null,
        field: null,
        message: 'expected an array of merge requests',
        wholePage: true,
      },
    ]);
  });
});
