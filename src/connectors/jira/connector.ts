import { z } from 'zod';
import { MileageError } from '../../domain/errors.js';
import { findEpicLinkField } from '../../sources/delivery/jira/epics.js';
import { findStoryPointsField, parseJiraSearch } from '../../sources/delivery/jira/parse.js';
import { fieldSchema, parseJiraDate } from '../../sources/delivery/jira/schema.js';
import { defineConnector } from '../base.js';
import { apiRoot, baseFields } from '../config.js';
import { describeEndpoint } from '../http/redact.js';
import { cursorPages, expectPage, pageHigh, type LoopPage } from '../cursor-pages.js';
import type { SyncFrom } from '../sync/connector.js';
import { basicOrBearer } from '../basic-or-bearer.js';

export const jiraSettingsSchema = z.strictObject({
  ...baseFields,
  /** The site: https://acme.atlassian.net (or https://api.atlassian.com/ex/jira/<cloudId> for OAuth). */
  base_url: z.url({ error: 'expected the site URL, such as https://acme.atlassian.net' }),
  /** With an email, the token is an API token sent as Basic email:token; without, an OAuth Bearer token. */
  email: z.string().min(3).optional(),
  /** Narrows the search, e.g. `project in (BILL, OPS)`; closed status and the window are added. */
  jql: z.string().min(1).optional(),
  /** The story-points field id, when finding it by name (Story point estimate, Story Points) is not right. */
  story_points_field: z
    .string()
    .regex(/^customfield_\d+$/, 'expected a field id such as customfield_10016')
    .optional(),
  /**
   * The company-managed Epic Link field id, when finding it by name is not right; `none` when the site has
   * no such field (children name their epic in `parent`). Both this and story_points_field set: no lookup.
   */
  epic_link_field: z
    .union([
      z.literal('none'),
      z.string().regex(/^customfield_\d+$/, 'expected a field id such as customfield_10014'),
    ])
    .optional(),
});

/**
 * JQL reads dates in the user's time zone to the minute: the window starts 14 hours early (the largest
 * offset) so no time zone can skip a ticket; re-read tickets keep their ids.
 */
const JQL_ZONE_MARGIN_MS = 14 * 3600_000;

export function jqlFor(filter: string | undefined, since: Date | null): string {
  const parts = [filter ? `(${filter})` : null, 'statusCategory = Done'];
  if (since) {
    const t = new Date(since.getTime() - JQL_ZONE_MARGIN_MS).toISOString();
    parts.push(`updated >= "${t.slice(0, 10)} ${t.slice(11, 16)}"`);
  }
  return `${parts.filter((p) => p !== null).join(' AND ')} ORDER BY updated ASC`;
}

/** The search/jql envelope; the issues are validated one by one by the parser. */
const searchPageSchema = z.object({
  issues: z.array(z.unknown()),
  nextPageToken: z.string().nullish(),
  isLast: z.boolean().optional(),
});

const FIELDS = [
  'issuetype',
  'status',
  'resolution',
  'resolutiondate',
  'created',
  'updated',
  'assignee',
  'labels',
  // The epic a ticket belongs to (team-managed, and company-managed since parents were standardised).
  'parent',
];

/**
 * The fields to ask for: the fixed ones, and the site's story-points and Epic Link fields when it has them.
 * The changelog is expanded for when work on each ticket started (epic lead time, jira/epics.ts).
 */
export function searchFields(site: SiteFields): { fields: string[]; expand: string } {
  const extra = [site.storyPoints, site.epicLink].filter((f): f is string => f !== null);
  return { fields: [...FIELDS, ...extra], expand: 'changelog' };
}

/** Custom fields whose ids vary per site, found by name in GET /rest/api/3/field. */
export interface SiteFields {
  storyPoints: string | null;
  epicLink: string | null;
}

export const createJiraConnector = defineConnector({
  type: 'jira',
  schema: jiraSettingsSchema,
  overlapMinutes: 60,
  // With an email the token is an API token sent as Basic email:token; without, an OAuth Bearer token.
  auth: (token, s) => basicOrBearer(token, { label: 'email', name: s.email }, s.token_env),
  pages: ({ settings: s, http }) => {
    const api = `${apiRoot(s.base_url)}/rest/api/3`;
    const maxResults = s.page_size ?? 100;

    async function siteFields(signal?: AbortSignal): Promise<SiteFields> {
      const configuredLink = s.epic_link_field === 'none' ? null : s.epic_link_field;
      if (s.story_points_field && s.epic_link_field)
        return { storyPoints: s.story_points_field, epicLink: configuredLink ?? null };
      const url = new URL(`${api}/field`);
      const { body } = await http.getJson(url, signal);
      const fields = z.array(fieldSchema).safeParse(body);
      if (!fields.success)
        throw new MileageError('upstream', `${describeEndpoint('GET', url)}: expected a list of fields`);
      return {
        storyPoints: s.story_points_field ?? findStoryPointsField(fields.data),
        epicLink: s.epic_link_field ? (configuredLink ?? null) : findEpicLinkField(fields.data),
      };
    }

    const url = new URL(`${api}/search/jql`);
    let site: SiteFields | undefined;
    return cursorPages({
      position: 'text',
      start: () => '',
      read: async (token: string, from: SyncFrom, signal?: AbortSignal): Promise<LoopPage<string>> => {
        site ??= await siteFields(signal);
        const { body } = await http.postJson(
          url,
          {
            jql: jqlFor(s.jql, from.since),
            ...searchFields(site),
            maxResults,
            ...(token ? { nextPageToken: token } : {}),
          },
          signal,
        );
        const page = expectPage(searchPageSchema, body, 'POST', url, 'a search/jql page');
        const parsed = parseJiraSearch(body, {
          file: `${url.host}${url.pathname}`,
          storyPointsField: site.storyPoints,
          epicLinkField: site.epicLink,
        });
        const high = pageHigh(page.issues, (i) => {
          const updated = z.object({ fields: z.object({ updated: z.string() }) }).safeParse(i).data
            ?.fields.updated;
          return updated ? parseJiraDate(updated).toISOString() : null;
        });
        const next = page.isLast === true || !page.nextPageToken ? null : page.nextPageToken;
        return { outcomes: parsed.records, problems: parsed.problems, next, high };
      },
    });
  },
});
