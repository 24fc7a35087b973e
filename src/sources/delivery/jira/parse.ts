import { recordId } from '../../../domain/ids.js';
import type { OutcomeRecord, WorkCategory } from '../../../domain/outcome.js';
import type { ParseResult } from '../../../domain/parse-result.js';
import { notAPage, parseEachItem } from '../../each-item.js';
import { issueSchema, parseJiraDate, searchPageSchema } from './schema.js';

const CATEGORY_BY_TYPE: Record<string, WorkCategory> = {
  story: 'new_value',
  feature: 'new_value',
  epic: 'new_value',
  improvement: 'new_value',
  bug: 'ktlo',
  incident: 'ktlo',
  chore: 'ktlo',
  maintenance: 'ktlo',
};

/** The story-points field differs per site: find it by name in /rest/api/3/field. */
export function findStoryPointsField(fields: { id: string; name: string }[]): string | null {
  const wanted = ['story point estimate', 'story points'];
  return fields.find((f) => wanted.includes(f.name.trim().toLowerCase()))?.id ?? null;
}

/** Closed tickets (status category done, with a resolution date) from a search/jql page. */
export function parseJiraSearch(
  page: unknown,
  ctx: { file: string; storyPointsField: string | null },
): ParseResult<OutcomeRecord> {
  const parsed = searchPageSchema.safeParse(page);
  if (!parsed.success) return notAPage(ctx.file, 'issues', 'expected a /rest/api/3/search/jql page');
  return parseEachItem(parsed.data.issues, issueSchema, { file: ctx.file, path: 'issues' }, (issue) => {
    const f = issue.fields;
    if (f.status.statusCategory.key !== 'done' || !f.resolutiondate) return null;
    const rawPoints = ctx.storyPointsField ? (f as Record<string, unknown>)[ctx.storyPointsField] : undefined;
    const points = typeof rawPoints === 'number' && rawPoints >= 0 ? rawPoints : null;
    return {
      id: recordId('jira', issue.key),
      source: 'jira',
      kind: 'ticket_closed',
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
      category: CATEGORY_BY_TYPE[f.issuetype.name.toLowerCase()] ?? 'unknown',
      workType: f.issuetype.name,
      workflow: null,
      count: 1,
      value: null,
    };
  });
}
