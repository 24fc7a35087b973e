import { z } from 'zod';
import { issueTypeSchema, jiraDate, parseJiraDate } from './schema.js';

/**
 * Epics in Jira Cloud (reference §8.3, and Atlassian's "Deprecation of the Epic Link, Parent Link and other
 * related fields in REST APIs and webhooks"): an epic is an issue of hierarchy level 1 (its type is named
 * "Epic" unless a site renamed it). A child names its epic in `fields.parent` — in team-managed projects
 * always, in company-managed projects since Atlassian standardised parents — and, in company-managed
 * projects, in the older Epic Link custom field (`customfield_10014` on most sites: found by name), which
 * holds the epic's key as a string. A sub-task's parent is a story, not an epic: it is not an epic child.
 */

/** The name of the company-managed Epic Link field in GET /rest/api/3/field. */
export const EPIC_LINK_FIELD_NAME = 'epic link';

export function findEpicLinkField(fields: { id: string; name: string }[]): string | null {
  return fields.find((f) => f.name.trim().toLowerCase() === EPIC_LINK_FIELD_NAME)?.id ?? null;
}

export function isEpicType(type: z.infer<typeof issueTypeSchema>): boolean {
  if (type.hierarchyLevel !== undefined) return type.hierarchyLevel === 1;
  return type.name.trim().toLowerCase() === 'epic';
}

/** `fields.parent`: the key, and the parent's type when Jira sends it (it does, in `parent.fields`). */
export const parentSchema = z.object({
  key: z.string().min(1),
  fields: z.object({ issuetype: issueTypeSchema.optional() }).optional(),
});

/**
 * The epic a ticket belongs to: its parent when that parent is an epic (or of unknown type, for a ticket
 * that is not a sub-task), else the Epic Link field's key. Null when it belongs to none.
 */
export function epicOf(
  fields: { issuetype: z.infer<typeof issueTypeSchema>; parent?: unknown } & Record<string, unknown>,
  epicLinkField: string | null,
): string | null {
  if (isEpicType(fields.issuetype)) return null;
  const parent = parentSchema.safeParse(fields.parent).data;
  if (parent) {
    const type = parent.fields?.issuetype;
    const parentIsEpic = type ? isEpicType(type) : fields.issuetype.subtask !== true;
    if (parentIsEpic) return parent.key;
  }
  const link = epicLinkField ? fields[epicLinkField] : null;
  return typeof link === 'string' && link.trim() !== '' ? link.trim() : null;
}

/** `changelog` of a search/jql issue requested with `expand: "changelog"`: status changes with their time. */
export const changelogSchema = z.object({
  histories: z.array(
    z.object({
      created: jiraDate,
      items: z.array(z.object({ field: z.string(), fromString: z.string().nullish() })),
    }),
  ),
});

/**
 * When work on a ticket started: the first change of its status (To Do → In Progress on a default
 * workflow), read from the changelog, whatever order Jira lists the histories in. Null without a changelog
 * or a status change — then the ticket's creation is the best start there is.
 */
export function startedAtOf(changelog: unknown): Date | null {
  const log = changelogSchema.safeParse(changelog).data;
  if (!log) return null;
  let first: Date | null = null;
  for (const h of log.histories) {
    if (!h.items.some((i) => i.field === 'status')) continue;
    const at = parseJiraDate(h.created);
    if (first === null || at < first) first = at;
  }
  return first;
}
