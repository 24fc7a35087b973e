import { recordId } from '../../../domain/ids.js';
import type { OutcomeRecord } from '../../../domain/outcome.js';
import type { ParseResult } from '../../../domain/parse-result.js';
import { sizePoints } from '../../../domain/points.js';
import { forgeRepositoryKey } from '../../../domain/repository.js';
import { detectAiMarkers } from '../ai-markers.js';
import { categoryOf } from '../categories.js';
import { notAPage, parseEachItem } from '../../each-item.js';
import { reviewTiming, type ReviewEvent } from '../review-timing.js';
import { closingKeys, githubIssueRef, ticketKeys } from '../ticket-keys.js';
import { milestoneRef } from './milestones.js';
import { pullNodeSchema, type PullNode } from './schema.js';

export const SOURCE = 'github';
export const DEFAULT_REWORK_LABELS: readonly string[] = ['rework', 'regression'];

/** The AI tools whose markers appear on any commit of the PR, on its co-authors, or as its author. */
function aiTools(pr: PullNode): string[] {
  const tools = new Set<string>();
  const add = (found: string[]) => found.forEach((t) => tools.add(t));
  for (const { commit } of pr.commits.nodes) {
    add(
      detectAiMarkers({
        message: commit.message,
        authorName: commit.author?.name ?? undefined,
        authorEmail: commit.author?.email ?? undefined,
        authorLogin: commit.author?.user?.login,
      }),
    );
    for (const co of commit.authors?.nodes ?? [])
      add(
        detectAiMarkers({
          message: '',
          authorName: co.name ?? undefined,
          authorEmail: co.email ?? undefined,
          authorLogin: co.user?.login,
        }),
      );
  }
  if (pr.author) add(detectAiMarkers({ message: '', authorLogin: pr.author.login }));
  return [...tools];
}

/** First review and approval from the PR's submitted reviews (pending ones have no time yet). */
function reviews(pr: PullNode) {
  const events: ReviewEvent[] = [];
  for (const r of pr.reviews.nodes) {
    if (!r.submittedAt || r.state === 'PENDING') continue;
    events.push({
      at: new Date(r.submittedAt),
      reviewer: r.author?.login ?? null,
      approval: r.state === 'APPROVED',
    });
  }
  return reviewTiming(events, pr.author?.login ?? null);
}

/** When the work began: the PR's creation, or its earliest authored commit if older. */
function openedAt(pr: PullNode): Date {
  let first = new Date(pr.createdAt);
  for (const { commit } of pr.commits.nodes) {
    if (commit.authoredDate && new Date(commit.authoredDate) < first) first = new Date(commit.authoredDate);
  }
  return first;
}

/**
 * Merged PRs from an array of GraphQL search PullRequest nodes (reference §8.1); unmerged ones are skipped.
 * Titles are read for ticket keys and reverts, never stored. Without per-file data every changed line counts
 * as effective (lockfiles and generated files included): git ingestion refines this.
 */
export function parseGithubPullNodes(
  nodes: unknown,
  ctx: { file: string; repo: string; reworkLabels?: string[]; base?: string },
): ParseResult<OutcomeRecord> {
  if (!Array.isArray(nodes)) return notAPage(ctx.file, null, 'expected an array of PullRequest nodes');
  const reworkLabels = (ctx.reworkLabels ?? DEFAULT_REWORK_LABELS).map((l) => l.toLowerCase());
  return parseEachItem(nodes, pullNodeSchema, { file: ctx.file, path: '' }, (pr) => {
    if (!pr.mergedAt) return null;
    const labels = pr.labels.nodes.map((l) => l.name);
    const tools = aiTools(pr);
    const reworkLabel = labels.find((l) => reworkLabels.includes(l.trim().toLowerCase()));
    const revert = pr.title.startsWith('Revert "');
    const effectiveLines = pr.additions + pr.deletions;
    const { category, workType } = categoryOf(labels);
    return {
      id: recordId(SOURCE, ctx.repo, pr.number),
      source: SOURCE,
      kind: 'pr_merged',
      unitKind: 'forge',
      at: new Date(pr.mergedAt),
      openedAt: openedAt(pr),
      actor: pr.author?.login ?? null,
      // The id keeps the name as configured (stable across versions); `repo` is the key every source shares.
      repo: forgeRepositoryKey(ctx.base ?? 'github.com', ctx.repo),
      ref: String(pr.number),
      headBranch: pr.headRefName ?? null,
      linkedTickets: [
        ...new Set([
          ...ticketKeys(pr.title, pr.headRefName ?? ''),
          ...pr.commits.nodes.flatMap((n) => closingKeys(n.commit.message)),
          ...pr.closingIssuesReferences.nodes.map((i) =>
            githubIssueRef(i.repository?.nameWithOwner ?? ctx.repo, i.number),
          ),
        ]),
      ],
      size: { additions: pr.additions, deletions: pr.deletions, files: pr.changedFiles, effectiveLines },
      points: sizePoints(effectiveLines, pr.changedFiles),
      pointsBasis: 'size_model',
      aiAssisted: tools.length > 0,
      aiEvidence: tools.length ? `commit markers: ${tools.join(', ')}` : null,
      rework: revert || reworkLabel !== undefined,
      reworkReason: revert ? 'revert' : reworkLabel !== undefined ? `label:${reworkLabel}` : null,
      category,
      ...reviews(pr),
      workType,
      workflow: null,
      parentRef: pr.milestone ? milestoneRef(ctx.repo, pr.milestone.number) : null,
      count: 1,
      value: null,
    };
  });
}
