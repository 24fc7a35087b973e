import { z } from 'zod';
import type { OutcomeRecord } from '../../domain/outcome.js';
import { docOutcome } from '../../sources/delivery/docs/record.js';
import { docWorkflowsField } from '../../sources/delivery/docs/substantial.js';
import {
  dashedId,
  listSchema,
  notionId,
  pageSchema,
  parentId,
} from '../../sources/delivery/notion/schema.js';
import { parseEachItem } from '../../sources/each-item.js';
import { defineConnector } from '../base.js';
import { apiRoot, baseFields } from '../config.js';
import { cursorPages, expectPage, field, pageHigh, type LoopPage } from '../cursor-pages.js';
import type { SyncFrom } from '../sync/connector.js';
import { pageWords } from './blocks.js';

export const SOURCE = 'notion';
export const NOTION_API = 'https://api.notion.com';
/** The API version Mileage is written against (the `Notion-Version` header every request must carry). */
export const NOTION_VERSION = '2022-06-28';

export const notionSettingsSchema = z.strictObject({
  ...baseFields,
  ...docWorkflowsField,
  /**
   * Databases whose pages are the documents (ids as in their URL). Without, every page shared with the
   * integration, through search.
   */
  databases: z
    .array(
      z
        .string()
        .refine((v) => /^[0-9a-f]{32}$/i.test(v.replace(/-/g, '')), 'expected a database id (32 hex digits)'),
      {
        error: 'expected a list of database ids',
      },
    )
    .min(1, 'expected at least one database id')
    .optional(),
});

const positionSchema = z.object({ target: z.number().int().nonnegative(), cursor: z.string().nullable() });
type Position = z.infer<typeof positionSchema>;

/**
 * Notion (`type: notion`) as delivered work of documentation workloads: every page created in the window
 * (in the configured databases, or any page shared with the integration) is a `doc_published` outcome by its
 * creator, sized in words of its blocks' text (counted, never stored; properties and titles never read).
 * Notion keeps no version history in its API, so a substantial update cannot be told from a typo fix: only
 * new pages count (docs/connectors.md, "Documents").
 */
export const createNotionConnector = defineConnector({
  type: 'notion',
  schema: notionSettingsSchema,
  overlapMinutes: 60,
  auth: (token, s) => ({
    header: 'authorization',
    value: `Bearer ${token}`,
    hint: `the integration token in $${s.token_env}`,
  }),
  client: () => ({ headers: { 'notion-version': NOTION_VERSION } }),
  pages: ({ settings: s, http }) => {
    const api = `${apiRoot(s.base_url ?? NOTION_API)}/v1`;
    const pageSize = s.page_size ?? 50;
    const targets: (string | null)[] = s.databases?.map(dashedId) ?? [null];
    const workflows = new Map(Object.entries(s.workflows ?? {}).map(([k, v]) => [notionId(k), v]));

    /** One request: a database's pages created in the window, oldest first; or search, newest edit first. */
    function request(database: string | null, from: SyncFrom, cursor: string | null) {
      const at = cursor ? { start_cursor: cursor } : {};
      if (database === null)
        return {
          url: new URL(`${api}/search`),
          body: {
            filter: { property: 'object', value: 'page' },
            sort: { direction: 'descending', timestamp: 'last_edited_time' },
            page_size: pageSize,
            ...at,
          },
        };
      return {
        url: new URL(`${api}/databases/${database}/query`),
        body: {
          ...(from.since
            ? {
                filter: {
                  timestamp: 'created_time',
                  created_time: { on_or_after: from.since.toISOString() },
                },
              }
            : {}),
          sorts: [{ timestamp: 'created_time', direction: 'ascending' }],
          page_size: pageSize,
          ...at,
        },
      };
    }

    return cursorPages({
      position: positionSchema,
      start: () => ({ target: 0, cursor: null }),
      read: async (pos: Position, from: SyncFrom, signal?: AbortSignal): Promise<LoopPage<Position>> => {
        if (pos.target >= targets.length) return { problems: [], next: null, high: null };
        const database = targets[pos.target] ?? null;
        const { url, body: query } = request(database, from, pos.cursor);
        const { body } = await http.postJson(url, query, signal);
        const page = expectPage(
          listSchema,
          body,
          'POST',
          url,
          'a list ({object: list, results, next_cursor})',
        );
        const file = `${url.host}${url.pathname}`;
        const parsed = parseEachItem(page.results, pageSchema, { file, path: 'results' }, (p) => p);
        const outcomes: OutcomeRecord[] = [];
        // Search cannot filter by time: its newest-edit-first order ends the window at the first older page.
        let older = false;
        for (const p of parsed.records) {
          if (from.since && new Date(p.last_edited_time) < from.since) older = true;
          if (from.since && new Date(p.created_time) < from.since) continue;
          if (p.archived === true || p.in_trash === true) continue;
          const container = parentId(p);
          outcomes.push(
            docOutcome({
              source: SOURCE,
              key: [notionId(p.id)],
              at: new Date(p.created_time),
              createdAt: new Date(p.created_time),
              actor: p.created_by?.id ?? null,
              container: `notion.so/${container}`,
              ref: notionId(p.id),
              wordsBefore: null,
              wordsAfter: await pageWords(http, api, p.id, signal),
              workType:
                p.parent.type === 'page_id' || p.parent.type === 'workspace' ? 'page' : 'database-page',
              workflow: workflows.get(container) ?? null,
            }),
          );
        }
        const cursor = page.has_more && !older ? page.next_cursor : null;
        const next: Position | null =
          cursor !== null
            ? { target: pos.target, cursor }
            : pos.target + 1 < targets.length
              ? { target: pos.target + 1, cursor: null }
              : null;
        return {
          outcomes,
          problems: parsed.problems,
          next,
          high: pageHigh(page.results, field('last_edited_time')),
        };
      },
    });
  },
});
