import { z } from 'zod';
import type { OutcomeRecord } from '../../domain/outcome.js';
import type { Problem } from '../../domain/parse-result.js';
import { docOutcome } from '../../sources/delivery/docs/record.js';
import {
  docWorkflowsField,
  isSubstantial,
  substantialFields,
  type SubstantialRule,
  substantialRule,
} from '../../sources/delivery/docs/substantial.js';
import { wordsInMarkup } from '../../sources/delivery/docs/words.js';
import {
  serverContentSchema,
  serverHistoricalSchema,
  serverPageSchema,
  type serverVersionSchema,
} from '../../sources/delivery/confluence/server-schema.js';
import { parseEachItem } from '../../sources/each-item.js';
import { defineConnector } from '../base.js';
import { apiRoot, baseFields } from '../config.js';
import { cursorPages, expectPage, pageHigh, type LoopPage } from '../cursor-pages.js';
import type { HttpClient } from '../http/client.js';
import type { SyncFrom } from '../sync/connector.js';
import { basicOrBearer } from '../basic-or-bearer.js';

export const SERVER_SOURCE = 'confluence-server';

/** Most versions of one document read back in one sync (the newest first, down to the window's start). */
const MAX_VERSIONS = 50;

/**
 * CQL reads dates in the user's time zone to the minute: the search starts 14 hours early (the largest
 * offset) so no time zone can hide a document; versions are then kept from the exact window start.
 */
const CQL_ZONE_MARGIN_MS = 14 * 3600_000;

export const confluenceServerSettingsSchema = z.strictObject({
  ...baseFields,
  ...substantialFields,
  ...docWorkflowsField,
  /** The server, with its context path if any: https://confluence.acme.com or https://acme.com/confluence. */
  base_url: z.url({ error: 'expected the server URL, such as https://confluence.acme.com' }),
  /** With a user name, the token is a password sent as Basic user:token; without, a personal access token. */
  username: z.string().min(1).optional(),
  spaces: z
    .array(z.string().regex(/^[A-Za-z0-9~_-]+$/, 'expected a space key such as DOCS'), {
      error: 'expected a list of space keys, such as [DOCS, ENG]',
    })
    .min(1, 'expected at least one space key'),
  content: z
    .array(z.enum(['page', 'blogpost'], { error: 'expected page or blogpost' }))
    .min(1)
    .optional(),
});

/** The search: the spaces' documents modified since the window's start, most recently modified first. */
export function serverCql(spaces: string[], types: string[], since: Date | null): string {
  const parts = [`space in (${spaces.map((s) => `"${s}"`).join(',')})`, `type in (${types.join(',')})`];
  if (since) {
    const t = new Date(since.getTime() - CQL_ZONE_MARGIN_MS).toISOString();
    parts.push(`lastmodified >= "${t.slice(0, 10)} ${t.slice(11, 16)}"`);
  }
  return `${parts.join(' and ')} order by lastmodified desc`;
}

type Version = z.infer<typeof serverVersionSchema> & { words: number };

/**
 * A document's versions published in the window that were new or substantial, with their words before and
 * after: read back from the newest (the search's body), each older one with its body
 * (`GET /rest/api/content/{id}?status=historical&version=n`), down to the first published before the window.
 */
async function substantialVersions(
  http: HttpClient,
  root: string,
  doc: z.infer<typeof serverContentSchema>,
  since: Date | null,
  rule: SubstantialRule,
  signal?: AbortSignal,
): Promise<(Version & { before: number | null })[]> {
  const read = new Map<number, Version>();
  const current = doc.body?.storage?.value;
  if (typeof current === 'string')
    read.set(doc.version.number, { ...doc.version, words: wordsInMarkup(current) });
  async function version(n: number): Promise<Version> {
    const had = read.get(n);
    if (had) return had;
    const url = new URL(`${root}/rest/api/content/${doc.id}`);
    url.searchParams.set('status', 'historical');
    url.searchParams.set('version', String(n));
    url.searchParams.set('expand', 'version,body.storage');
    const { body } = await http.getJson(url, signal);
    const h = expectPage(serverHistoricalSchema, body, 'GET', url, 'a historical version with its body');
    const v = { ...h.version, words: wordsInMarkup(h.body.storage.value) };
    read.set(n, v);
    return v;
  }
  const out: (Version & { before: number | null })[] = [];
  for (let n = doc.version.number; n >= 1 && doc.version.number - n < MAX_VERSIONS; n--) {
    const v = await version(n);
    if (since && new Date(v.when) < since) break;
    const before = n === 1 ? null : (await version(n - 1)).words;
    if (before === null || isSubstantial(before, v.words, rule)) out.push({ ...v, before });
  }
  return out;
}

/**
 * Confluence Data Center / Server (`type: confluence-server`, REST `content` API): the same documents and the
 * same rule as Confluence Cloud. The CQL search lists the spaces' documents modified in the window, most
 * recently modified first (a document edited during the sync moves to the pages already read: read again,
 * never skipped); each one's versions are read back from the newest, body included
 * (`?status=historical&version=n`), down to the first published before the window.
 */
export const createConfluenceServerConnector = defineConnector({
  type: 'confluence-server',
  schema: confluenceServerSettingsSchema,
  overlapMinutes: 60,
  auth: (token, s) => basicOrBearer(token, { label: 'user', name: s.username }, s.token_env),
  pages: ({ settings: s, http }) => {
    const root = apiRoot(s.base_url);
    const host = new URL(root).hostname;
    const limit = s.page_size ?? 25;
    const rule = substantialRule(s);
    const types = s.content ?? ['page', 'blogpost'];

    return cursorPages({
      position: z.number().int().nonnegative(),
      start: () => 0,
      read: async (start: number, from: SyncFrom, signal?: AbortSignal): Promise<LoopPage<number>> => {
        const url = new URL(`${root}/rest/api/content/search`);
        url.searchParams.set('cql', serverCql(s.spaces, types, from.since));
        url.searchParams.set('expand', 'space,history,version,body.storage');
        url.searchParams.set('limit', String(limit));
        url.searchParams.set('start', String(start));
        const { body } = await http.getJson(url, signal);
        const page = expectPage(
          serverPageSchema,
          body,
          'GET',
          url,
          'a content search page ({results, start})',
        );
        const file = `${url.host}${url.pathname}`;
        const docs = parseEachItem(page.results, serverContentSchema, { file, path: 'results' }, (d) => d);
        const outcomes: OutcomeRecord[] = [];
        const problems: Problem[] = [...docs.problems];
        for (const doc of docs.records) {
          if (doc.status !== 'current') continue;
          const got = await substantialVersions(http, root, doc, from.since, rule, signal);
          const space = doc.space?.key ?? '';
          for (const v of got)
            outcomes.push(
              docOutcome({
                source: SERVER_SOURCE,
                key: [host, doc.id, v.number],
                at: new Date(v.when),
                createdAt: new Date(doc.history.createdDate),
                actor: v.by?.username ?? v.by?.userKey ?? null,
                container: `${host}/display/${space}`,
                ref: doc.id,
                wordsBefore: v.before,
                wordsAfter: v.words,
                workType: doc.type,
                workflow: s.workflows?.[space] ?? null,
              }),
            );
        }
        const next = page._links?.next && page.size > 0 ? start + page.size : null;
        const high = pageHigh(page.results, (d) => (d.version as { when?: unknown } | undefined)?.when);
        return { outcomes, problems, next, high };
      },
    });
  },
});
