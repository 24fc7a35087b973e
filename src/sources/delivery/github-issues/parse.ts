import { recordId } from '../../../domain/ids.js';
import type { OutcomeRecord } from '../../../domain/outcome.js';
import type { ParseResult } from '../../../domain/parse-result.js';
import { notAPage, parseEachItem } from '../../each-item.js';
import { categoryOf } from '../categories.js';
import { githubIssueRef } from '../ticket-keys.js';
import { issueNodeSchema, type IssueNode } from './schema.js';

export const SOURCE = 'github-issues';

/** Where an issue's points come from: a label convention, a Projects number field, or both (field first). */
export interface PointsRule {
  /** `points:` reads `points:3` (and `points: 5`); the number must be non-negative. */
  labelPrefix: string | null;
  /** The name of a Projects number field (`Points`, `Estimate`), compared without case. */
  projectField: string | null;
}

export const DEFAULT_POINTS_RULE: PointsRule = { labelPrefix: 'points:', projectField: null };

/**
 * The issue's points, or null when it has none. A label of the convention whose value is no number is kept
 * as NaN, for the one validator (domain/record-bounds.ts) to reject the ticket with the field named.
 */
function pointsOf(issue: IssueNode, rule: PointsRule): number | null {
  if (rule.projectField) {
    const wanted = rule.projectField.trim().toLowerCase();
    for (const item of issue.projectItems.nodes)
      for (const v of item.fieldValues.nodes)
        if (v.field?.name.trim().toLowerCase() === wanted && typeof v.number === 'number') return v.number;
  }
  if (rule.labelPrefix) {
    const prefix = rule.labelPrefix.toLowerCase();
    const label = issue.labels.nodes.find((l) => l.name.trim().toLowerCase().startsWith(prefix));
    if (label) {
      const text = label.name.trim().slice(prefix.length).trim();
      return text === '' ? Number.NaN : Number(text);
    }
  }
  return null;
}

/**
 * Closed issues of a GitHub repository from an array of GraphQL Issue nodes, as tickets: completed ones only
 * (not planned and duplicates are no delivered work). The ref is `owner/repo#number`; the pull requests that
 * closed it are kept in linkedTickets as `owner/repo#number` (a ticket's links); labels give the category,
 * the points rule the points. Titles and bodies are never read.
 */
export function parseGithubIssueNodes(
  nodes: unknown,
  ctx: { file: string; repo: string; points?: PointsRule },
): ParseResult<OutcomeRecord> {
  if (!Array.isArray(nodes)) return notAPage(ctx.file, null, 'expected an array of Issue nodes');
  const rule = ctx.points ?? DEFAULT_POINTS_RULE;
  return parseEachItem(nodes, issueNodeSchema, { file: ctx.file, path: '' }, (issue) => {
    if (!issue.closedAt) return null;
    if (issue.stateReason && issue.stateReason !== 'COMPLETED') return null;
    const labels = issue.labels.nodes.map((l) => l.name);
    const points = pointsOf(issue, rule);
    const { category, workType } = categoryOf(labels);
    const ref = githubIssueRef(ctx.repo, issue.number);
    return {
      id: recordId(SOURCE, ctx.repo.toLowerCase(), issue.number),
      source: SOURCE,
      kind: 'ticket_closed',
      at: new Date(issue.closedAt),
      openedAt: new Date(issue.createdAt),
      actor: issue.assignees.nodes[0]?.login ?? null,
      repo: null,
      ref,
      headBranch: null,
      linkedTickets: issue.closedByPullRequestsReferences.nodes.map((pr) =>
        githubIssueRef(pr.repository?.nameWithOwner ?? ctx.repo, pr.number),
      ),
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
      count: 1,
      value: null,
    };
  });
}
