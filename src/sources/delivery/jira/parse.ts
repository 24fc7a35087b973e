import { recordId } from '../../../domain/ids.js';
import { EPIC_KIND, TICKET_KIND, type OutcomeRecord } from '../../../domain/outcome.js';
import type { ParseResult } from '../../../domain/parse-result.js';
import { categoryOfIssueType } from '../categories.js';
import { notAPage, parseEachItem } from '../../each-item.js';
import { epicOf, isEpicType, startedAtOf } from './epics.js';
import { issueSchema, parseJiraDate, searchPageSchema } from './schema.js';

export const SOURCE = 'jira';

/** Names of the story-points field, in order of preference (team-managed, then company-managed). */
export const STORY_POINTS_FIELD_NAMES = ['story point estimate', 'story points'] as const;

/**
 * The story-points field differs per site: find it by name in /rest/api/3/field. A site that has both
 * names gets the first in STORY_POINTS_FIELD_NAMES; the org file can name another.
 */
export function findStoryPointsField(fields: { id: string; name: string }[]): string | null {
  for (const wanted of STORY_POINTS_FIELD_NAMES) {
    const found = fields.find((f) => f.name.trim().toLowerCase() === wanted);
    if (found) return found.id;
  }
  return null;
}

/**
 * A story-points value (Jira sends numbers; a numeric string is accepted); null when the field is not set.
 * A set value that is not a number, negative or absurd is kept as read, for the one validator
 * (domain/record-bounds.ts) to reject the ticket with the field named — never silently taken as unset.
 */
function pointsOf(value: unknown): number | null {
  if (value === null || value === undefined || (typeof value === 'string' && value.trim() === ''))
    return null;
  return typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
}

/**
 * Closed tickets (status category `done`, with a resolution date) from a search/jql page (reference §8.3);
 * other issues are skipped. Story points come from the site's field when it is known and set. A done epic
 * is an EPIC_KIND record, not a closed ticket; a ticket names its epic (`parent`, or the company-managed
 * Epic Link field when the site has one) and when work on it started (its changelog, when expanded).
 */
export function parseJiraSearch(
  page: unknown,
  ctx: { file: string; storyPointsField: string | null; epicLinkField?: string | null },
): ParseResult<OutcomeRecord> {
  const parsed = searchPageSchema.safeParse(page);
  if (!parsed.success) return notAPage(ctx.file, 'issues', 'expected a /rest/api/3/search/jql page');
  return parseEachItem(parsed.data.issues, issueSchema, { file: ctx.file, path: 'issues' }, (issue) => {
    const f = issue.fields;
    if (f.status.statusCategory.key !== 'done' || !f.resolutiondate) return null;
    const points = ctx.storyPointsField ? pointsOf(f[ctx.storyPointsField]) : null;
    const epic = isEpicType(f.issuetype);
    return {
      id: recordId(SOURCE, issue.key),
      source: SOURCE,
      kind: epic ? EPIC_KIND : TICKET_KIND,
      at: parseJiraDate(f.resolutiondate),
      openedAt: f.created ? parseJiraDate(f.created) : null,
      actor: f.assignee?.accountId ?? null,
      repo: null,
      ref: issue.key,
      headBranch: null,
      linkedTickets: [],
      size: null,
      points,
      pointsBasis: points === null ? null : 'estimate',
      aiAssisted: false,
      aiEvidence: null,
      rework: false,
      reworkReason: null,
      category: categoryOfIssueType(f.issuetype.name),
      workType: f.issuetype.name,
      workflow: null,
      parentRef: epicOf(f, ctx.epicLinkField ?? null),
      startedAt: startedAtOf(issue.changelog),
      count: 1,
      value: null,
    };
  });
}
