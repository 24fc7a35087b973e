import { z } from 'zod';

/** Jira's dates: `2026-07-02T15:52:00.000+0000` (offset without a colon). */
export const jiraDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{4}|Z)$/, 'expected a Jira date');

export function parseJiraDate(text: string): Date {
  return new Date(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/** An issue of /rest/api/3/search/jql with the fields Mileage asks for. */
export const issueSchema = z.object({
  key: z.string().min(1),
  fields: z
    .object({
      issuetype: z.object({ name: z.string() }),
      status: z.object({ statusCategory: z.object({ key: z.string() }) }),
      resolutiondate: jiraDate.nullable().optional(),
      created: jiraDate.optional(),
      assignee: z.object({ accountId: z.string() }).nullable().optional(),
    })
    .passthrough(),
});

export const searchPageSchema = z.object({
  issues: z.array(z.unknown()),
  nextPageToken: z.string().optional(),
  isLast: z.boolean().optional(),
});
