import { z } from 'zod';
import type { OutcomeRecord } from '../../domain/outcome.js';
import { docOutcome } from '../../sources/delivery/docs/record.js';
import {
  docWorkflowsField,
  isSubstantial,
  substantialFields,
  substantialRule,
} from '../../sources/delivery/docs/substantial.js';
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
  ...substantialFields,
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
 * creator, and every page substantially updated in it one by its last editor, sized in words of its blocks'
 * text (counted, never stored; properties and titles never read).
 *
 * Notion's API keeps no version history, so an update is told the nearest way it can be: the connector
 * remembers each page's size in words at every sync (the runner's memory, sync/memory.ts), and a page last
 * edited in the window whose size moved from the remembered one by Confluence's rule (docs/substantial.ts) is
 * an update. What this cannot see (docs/connectors.md, "Documents"): edits between two syncs that net to no
 * change in size, several edits between two syncs (one update, by the last editor), and the first edit of a
 * page Mileage had never seen (it sets the size the next edit is measured from).
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
    const rule = substantialRule(s);
    const pageSize = s.page_size ?? 50;
    const targets: (string | null)[] = s.databases?.map(dashedId) ?? [null];
    const workflows = new Map(Object.entries(s.workflows ?? {}).map(([k, v]) => [notionId(k), v]));

    /** One request: a database's pages edited in the window, oldest edit first; or search, newest edit first. */
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
          // Edited in the window: new pages (created is never after edited) and updated ones alike.
          ...(from.since
            ? {
                filter: {
                  timestamp: 'last_edited_time',
                  last_edited_time: { on_or_after: from.since.toISOString() },
                },
              }
            : {}),
          sorts: [{ timestamp: 'last_edited_time', direction: 'ascending' }],
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
        const remember: { key: string; value: number }[] = [];
        // Search cannot filter by time: its newest-edit-first order ends the window at the first older page.
        let older = false;
        const inWindow = parsed.records.filter((p) => {
          if (from.since && new Date(p.last_edited_time) < from.since) {
            older = true;
            return false;
          }
          return p.archived !== true && p.in_trash !== true;
        });
        const before =
          (await from.recall?.(inWindow.map((p) => notionId(p.id)))) ?? new Map<string, number>();
        for (const p of inWindow) {
          const ref = notionId(p.id);
          const created = new Date(p.created_time);
          const isNew = from.since === null || created >= from.since;
          const was = before.get(ref);
          // A page that is neither new nor remembered is only measured: its next edit is compared with this.
          const words = await pageWords(http, api, p.id, signal);
          remember.push({ key: ref, value: words });
          if (!isNew && (was === undefined || !isSubstantial(was, words, rule))) continue;
          const container = parentId(p);
          const edited = new Date(p.last_edited_time);
          outcomes.push(
            docOutcome({
              source: SOURCE,
              // A new page once; an update once per edit time (a re-read of the same edit is the same outcome).
              key: isNew ? [ref] : [ref, edited.toISOString()],
              at: isNew ? created : edited,
              createdAt: created,
              actor: (isNew ? p.created_by?.id : p.last_edited_by?.id) ?? null,
              container: `notion.so/${container}`,
              ref,
              wordsBefore: isNew ? null : (was ?? null),
              wordsAfter: words,
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
          remember,
          problems: parsed.problems,
          next,
          high: pageHigh(page.results, field('last_edited_time')),
        };
      },
    });
  },
});
