import { z } from 'zod';
import { recordId } from '../../../domain/ids.js';
import { EPIC_KIND, type OutcomeRecord } from '../../../domain/outcome.js';
import { forgeRepositoryKey } from '../../../domain/repository.js';

/**
 * GitHub milestones as epics: a merged PR names its milestone (GraphQL `PullRequest.milestone`), and a
 * closed milestone is an epic done at its `closedAt`. Milestone numbers are per repository, so the ref
 * carries the repository: `owner/name/milestone/3`.
 */
export const milestoneSchema = z.object({
  number: z.number().int().positive(),
  /** OPEN or CLOSED (GraphQL MilestoneState). */
  state: z.string(),
  createdAt: z.iso.datetime({ offset: true }).optional(),
  /** When it was closed: the epic's done time. Null while open. */
  closedAt: z.iso.datetime({ offset: true }).nullable().optional(),
});

export const milestoneRef = (repo: string, number: number) => `${repo}/milestone/${number}`;

/**
 * The closed milestones named by a page of PullRequest nodes, one epic record each (a milestone named by
 * several PRs is one record). Nodes the PR parser rejects, and PRs not merged, name no epic.
 */
export function milestoneEpics(
  nodes: readonly unknown[],
  ctx: { repo: string; base?: string },
): OutcomeRecord[] {
  const out = new Map<string, OutcomeRecord>();
  for (const node of nodes) {
    const pr = z
      .object({ mergedAt: z.string().nullable(), milestone: milestoneSchema.nullish() })
      .safeParse(node).data;
    const m = pr?.mergedAt ? pr.milestone : null;
    if (!m || m.state !== 'CLOSED' || !m.closedAt) continue;
    const ref = milestoneRef(ctx.repo, m.number);
    out.set(ref, {
      id: recordId('github', ctx.repo, 'milestone', m.number),
      source: 'github',
      kind: EPIC_KIND,
      at: new Date(m.closedAt),
      openedAt: m.createdAt ? new Date(m.createdAt) : null,
      startedAt: null,
      // A milestone has no owner: its team is the one most of its PRs came from (metrics/epic-lead-time.ts).
      actor: null,
      repo: forgeRepositoryKey(ctx.base ?? 'github.com', ctx.repo),
      ref,
      parentRef: null,
      headBranch: null,
      linkedTickets: [],
      size: null,
      points: null,
      pointsBasis: null,
      aiAssisted: false,
      aiEvidence: null,
      rework: false,
      reworkReason: null,
      category: 'unknown',
      workType: 'Milestone',
      workflow: null,
      count: 1,
      value: null,
    });
  }
  return [...out.values()];
}
