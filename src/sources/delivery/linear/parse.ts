import { recordId } from '../../../domain/ids.js';
import { TICKET_KIND, type OutcomeRecord } from '../../../domain/outcome.js';
import type { ParseResult } from '../../../domain/parse-result.js';
import { categoryOf } from '../categories.js';
import { notAPage, parseEachItem } from '../../each-item.js';
import { linearIssueSchema } from './schema.js';

export const SOURCE = 'linear';

/**
 * Completed issues from an array of Linear Issue nodes (reference §8.4); open and canceled ones are
 * skipped. The estimate is the points (on the team's scale); labels give the category.
 */
export function parseLinearIssues(nodes: unknown, ctx: { file: string }): ParseResult<OutcomeRecord> {
  if (!Array.isArray(nodes)) return notAPage(ctx.file, null, 'expected an array of Issue nodes');
  return parseEachItem(nodes, linearIssueSchema, { file: ctx.file, path: '' }, (issue) => {
    if (issue.state.type !== 'completed' || !issue.completedAt) return null;
    const points = issue.estimate ?? null;
    const { category, workType } = categoryOf(issue.labels.nodes.map((l) => l.name));
    return {
      id: recordId(SOURCE, issue.id),
      source: SOURCE,
      kind: TICKET_KIND,
      at: new Date(issue.completedAt),
      openedAt: new Date(issue.createdAt),
      actor: issue.assignee?.id ?? null,
      repo: null,
      ref: issue.identifier,
      headBranch: null,
      linkedTickets: [],
      size: null,
      points,
      pointsBasis: points === null ? null : 'estimate',
      aiAssisted: false,
      aiEvidence: null,
      rework: false,
      reworkReason: null,
      category,
      workType,
      workflow: null,
      parentRef: issue.project?.id ?? null,
      startedAt: issue.startedAt ? new Date(issue.startedAt) : null,
      count: 1,
      value: null,
    };
  });
}
