import { z } from 'zod';

/** `2026-07-02T15:52:00.000+0000`: Jira writes the offset without a colon (ISO-8601 basic offset). */
const JIRA_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** The instant of a Jira date; `+0200` is read as `+02:00`. */
export function parseJiraDate(text: string): Date {
  return new Date(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

export const jiraDate = z
  .string()
  .regex(JIRA_DATE, 'expected a Jira date like 2026-07-02T15:52:00.000+0000')
  .refine((t) => !Number.isNaN(parseJiraDate(t).getTime()), 'not a valid date');

/** What of an issue type tells an epic: its hierarchy level (1), else its name. */
export const issueTypeSchema = z.object({
  name: z.string(),
  subtask: z.boolean().optional(),
  /** -1 sub-task, 0 standard issue, 1 epic, 2+ levels above epics (Advanced Roadmaps / Plans). */
  hierarchyLevel: z.number().int().optional(),
});

/** An issue of /rest/api/3/search/jql with the fields Mileage asks for (reference §8.3). */
export const issueSchema = z.object({
  /** `BILL-231`: the ticket's identity, and the key PRs name in titles and branches. */
  key: z.string().min(1),
  /** With `expand: "changelog"`: the status changes that tell when work started (jira/epics.ts). */
  changelog: z.unknown().optional(),
  fields: z
    .object({
      /** Story, Bug, Task…: the work type, and through it the category (new value vs KTLO). */
      issuetype: issueTypeSchema,
      /** Only tickets whose status category is `done` are delivered work. */
      status: z.object({ statusCategory: z.object({ key: z.string() }) }),
      /** When it was closed: the outcome's time. Null while open. */
      resolutiondate: jiraDate.nullable().optional(),
      /** When it was opened: the start of its lead time. */
      created: jiraDate.optional(),
      /** Who delivered it (accountId, resolved through the directory); null when unassigned. */
      assignee: z.object({ accountId: z.string() }).nullable().optional(),
    })
    // The story-points field's id varies per site (customfield_…): it is read by id from the rest.
    .loose(),
});

/** A page of /rest/api/3/search/jql: issues (validated one by one) and the token to the next page. */
export const searchPageSchema = z.object({
  issues: z.array(z.unknown()),
  nextPageToken: z.string().optional(),
  isLast: z.boolean().optional(),
});

/** One entry of GET /rest/api/3/field: the story-points field is found by name. */
export const fieldSchema = z.object({ id: z.string(), name: z.string() });
