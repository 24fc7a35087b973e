import { describe, expect, it } from 'vitest';
import { parseGithubPullNodes } from './parse.js';

const node = (over: Record<string, unknown> = {}) => ({
  number: 418,
  title: 'BILL-231 Invoice PDF export',
  createdAt: '2026-07-01T08:02:11Z',
  mergedAt: '2026-07-02T15:40:09Z',
  additions: 512,
  deletions: 87,
  changedFiles: 14,
  headRefName: 'feat/invoices',
  author: { login: 'ana' },
  labels: { nodes: [{ name: 'feature' }] },
  commits: {
    nodes: [
      { commit: { message: 'feat: add PDF export', authoredDate: '2026-06-30T09:10:00Z' } },
      {
        commit: {
          message: 'fix: empty invoices\n\nCo-Authored-By: Claude Sonnet 4.6 <noreply@anthropic.com>',
        },
      },
    ],
  },
  ...over,
});

describe('GitHub PR nodes', () => {
  it('reads a merged PR: size, points, AI evidence from a non-first commit, ticket key, first commit time', () => {
    const { records, problems } = parseGithubPullNodes([node()], { file: 'prs.json', repo: 'acme/billing' });
    expect(problems).toEqual([]);
    expect(records[0]).toMatchObject({
      kind: 'pr_merged',
      ref: '418',
      actor: 'ana',
      headBranch: 'feat/invoices',
      linkedTickets: ['BILL-231'],
      size: { additions: 512, deletions: 87, files: 14, effectiveLines: 599 },
      aiAssisted: true,
      aiEvidence: 'commit markers: claude-code',
      rework: false,
      category: 'new_value',
    });
    expect(records[0]?.openedAt?.toISOString()).toBe('2026-06-30T09:10:00.000Z');
    expect(records[0]?.points).toBe(7.2);
  });

  it('marks reverts and regression labels as rework, skips unmerged PRs, reports bad nodes', () => {
    const { records, problems } = parseGithubPullNodes(
      [
        node({ number: 1, title: 'Revert "BILL-1 thing"', commits: { nodes: [] } }),
        node({ number: 2, labels: { nodes: [{ name: 'regression' }] } }),
        node({ number: 3, mergedAt: null }),
        node({ number: -1 }),
      ],
      { file: 'prs.json', repo: 'acme/billing' },
    );
    expect(records.map((r) => [r.ref, r.rework, r.reworkReason])).toEqual([
      ['1', true, 'revert'],
      ['2', true, 'label:regression'],
    ]);
    expect(problems.map((p) => p.field)).toEqual(['[3].number']);
  });
});
