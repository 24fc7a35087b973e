import { recordId } from '../../../domain/ids.js';
import type { OutcomeRecord } from '../../../domain/outcome.js';
import type { ParseResult } from '../../../domain/parse-result.js';
import { notAPage, parseEachItem } from '../../each-item.js';
import { sizePoints } from '../../../domain/points.js';
import { detectAiMarkers } from '../ai-markers.js';
import { categoryOf } from '../categories.js';
import { pullNodeSchema } from './schema.js';

export const DEFAULT_REWORK_LABELS = ['rework', 'regression'];
const TICKET_KEY = /\b[A-Z][A-Z0-9]+-\d+\b/g;

/** Merged PRs from an array of GraphQL PullRequest nodes. Titles are read, never stored. */
export function parseGithubPullNodes(
  nodes: unknown,
  ctx: { file: string; repo: string; reworkLabels?: string[] },
): ParseResult<OutcomeRecord> {
  if (!Array.isArray(nodes)) return notAPage(ctx.file, '', 'expected an array of PullRequest nodes');
  const reworkLabels = ctx.reworkLabels ?? DEFAULT_REWORK_LABELS;
  return parseEachItem(nodes, pullNodeSchema, { file: ctx.file, path: '' }, (pr) => {
    if (!pr.mergedAt) return null;
    const labels = pr.labels.nodes.map((l) => l.name);
    const markers = new Set<string>();
    let firstCommit = new Date(pr.createdAt);
    for (const { commit } of pr.commits.nodes) {
      for (const m of detectAiMarkers({
        message: commit.message,
        authorName: commit.author?.name,
        authorEmail: commit.author?.email,
        authorLogin: commit.author?.user?.login,
      })) {
        markers.add(m);
      }
      if (commit.authoredDate && new Date(commit.authoredDate) < firstCommit)
        firstCommit = new Date(commit.authoredDate);
    }
    for (const m of detectAiMarkers({ message: '', authorLogin: pr.author?.login })) markers.add(m);
    const reworkLabel = labels.find((l) => reworkLabels.includes(l.toLowerCase()));
    const revert = pr.title.startsWith('Revert "');
    const tickets = [
      ...new Set([...(pr.title.match(TICKET_KEY) ?? []), ...(pr.headRefName?.match(TICKET_KEY) ?? [])]),
    ];
    const effectiveLines = pr.additions + pr.deletions;
    const { category, workType } = categoryOf(labels);
    return {
      id: recordId('github', ctx.repo, pr.number),
      source: 'github',
      kind: 'pr_merged',
      at: new Date(pr.mergedAt),
      openedAt: firstCommit,
      actor: pr.author?.login ?? null,
      repo: ctx.repo,
      ref: String(pr.number),
      headBranch: pr.headRefName ?? null,
      linkedTickets: tickets,
      // Without per-file data every changed line counts as effective; git ingestion refines this.
      size: { additions: pr.additions, deletions: pr.deletions, files: pr.changedFiles, effectiveLines },
      points: sizePoints(effectiveLines, pr.changedFiles),
      pointsBasis: 'size_model',
      aiAssisted: markers.size > 0,
      aiEvidence: markers.size ? `commit markers: ${[...markers].join(', ')}` : null,
      rework: revert || reworkLabel !== undefined,
      reworkReason: revert ? 'revert' : reworkLabel ? `label:${reworkLabel}` : null,
      category,
      workType,
      workflow: null,
      count: 1,
      value: null,
    };
  });
}
