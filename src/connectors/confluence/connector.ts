import { z } from 'zod';
import { MileageError } from '../../domain/errors.js';
import type { OutcomeRecord } from '../../domain/outcome.js';
import type { Problem } from '../../domain/parse-result.js';
import {
  documentSchema,
  listSchema,
  nextCursor,
  spacesSchema,
} from '../../sources/delivery/confluence/schema.js';
import { docOutcome } from '../../sources/delivery/docs/record.js';
import {
  docWorkflowsField,
  isSubstantial,
  substantialFields,
  substantialRule,
} from '../../sources/delivery/docs/substantial.js';
import { wordsInMarkup } from '../../sources/delivery/docs/words.js';
import { parseEachItem } from '../../sources/each-item.js';
import { defineConnector } from '../base.js';
import { apiRoot, baseFields } from '../config.js';
import { cursorPages, expectPage, pageHigh, type LoopPage } from '../cursor-pages.js';
import { describeEndpoint } from '../http/redact.js';
import type { SyncFrom } from '../sync/connector.js';
import { versionsSince, versionWords } from './versions.js';
import { basicOrBearer } from '../basic-or-bearer.js';

export const SOURCE = 'confluence';

const CONTENT_TYPES = ['page', 'blogpost'] as const;
type ContentType = (typeof CONTENT_TYPES)[number];

export const confluenceSettingsSchema = z.strictObject({
  ...baseFields,
  ...substantialFields,
  ...docWorkflowsField,
  /** The site: https://acme.atlassian.net (the API is under /wiki/api/v2). */
  base_url: z.url({ error: 'expected the site URL, such as https://acme.atlassian.net' }),
  /** With an email, the token is an API token sent as Basic email:token; without, an OAuth Bearer token. */
  email: z.string().min(3).optional(),
  /** Space keys whose documents are delivered work. */
  spaces: z
    .array(z.string().regex(/^[A-Za-z0-9~_-]+$/, 'expected a space key such as DOCS'), {
      error: 'expected a list of space keys, such as [DOCS, ENG]',
    })
    .min(1, 'expected at least one space key'),
  /** Which documents count: pages, blog posts, or both (default). */
  content: z
    .array(z.enum(CONTENT_TYPES, { error: 'expected page or blogpost' }))
    .min(1)
    .optional(),
});

/** Where a listing stands: which space × content type, and the API's cursor inside it. */
const positionSchema = z.object({ target: z.number().int().nonnegative(), cursor: z.string().nullable() });
type Position = z.infer<typeof positionSchema>;

/**
 * Confluence Cloud (`type: confluence`, REST v2) as delivered work of documentation workloads: every page
 * and blog post of the configured spaces published or substantially updated in the window becomes a
 * `doc_published` outcome by the version's author, sized in words (docs/connectors.md, "Documents").
 * Documents are listed most recently modified first and the listing stops at the first one older than the
 * window; each one's versions in the window are read, and each version's words compared with the one
 * before it. Bodies are read to be counted, never stored; titles are never read.
 */
export const createConfluenceConnector = defineConnector({
  type: 'confluence',
  schema: confluenceSettingsSchema,
  overlapMinutes: 60,
  auth: (token, s) => basicOrBearer(token, { label: 'email', name: s.email }, s.token_env),
  pages: ({ settings: s, http }) => {
    const site = apiRoot(s.base_url);
    const api = `${site}/wiki/api/v2`;
    const host = new URL(site).hostname;
    const limit = s.page_size ?? 25;
    const rule = substantialRule(s);
    const kinds = s.content ?? [...CONTENT_TYPES];
    const targets = s.spaces.flatMap((space) => kinds.map((kind) => ({ space, kind })));
    const spaceIds = new Map<string, string>();

    async function spaceId(key: string, signal?: AbortSignal): Promise<string> {
      const known = spaceIds.get(key);
      if (known) return known;
      const url = new URL(`${api}/spaces`);
      url.searchParams.set('keys', key);
      const { body } = await http.getJson(url, signal);
      const found = expectPage(spacesSchema, body, 'GET', url, 'a space list ({results})').results.find(
        (r) => r.key === key,
      );
      if (!found)
        throw new MileageError(
          'config',
          `${describeEndpoint('GET', url)}: no space ${key} visible to this token (sources: spaces)`,
        );
      spaceIds.set(key, found.id);
      return found.id;
    }

    /** The outcomes of one document: its versions in the window that were new or substantial. */
    async function documentOutcomes(
      doc: z.infer<typeof documentSchema>,
      kind: ContentType,
      space: string,
      since: Date | null,
      signal?: AbortSignal,
    ): Promise<{ outcomes: OutcomeRecord[]; problems: Problem[] }> {
      const docUrl = `${api}/${kind}s/${doc.id}`;
      const words = versionWords(http, docUrl, signal);
      const current = doc.body?.storage?.value;
      if (typeof current === 'string') words.know(doc.version.number, wordsInMarkup(current));
      const { versions, problems } = await versionsSince(http, docUrl, since, signal);
      const outcomes: OutcomeRecord[] = [];
      for (const v of versions) {
        const after = await words.of(v.number);
        const before = v.number === 1 ? null : await words.of(v.number - 1);
        if (before !== null && !isSubstantial(before, after, rule)) continue;
        outcomes.push(
          docOutcome({
            source: SOURCE,
            key: [host, doc.id, v.number],
            at: new Date(v.createdAt),
            createdAt: new Date(doc.createdAt),
            actor: v.authorId ?? null,
            container: `${host}/wiki/spaces/${space}`,
            ref: doc.id,
            wordsBefore: before,
            wordsAfter: after,
            workType: kind,
            workflow: s.workflows?.[space] ?? null,
          }),
        );
      }
      return { outcomes, problems };
    }

    return cursorPages({
      position: positionSchema,
      start: () => ({ target: 0, cursor: null }),
      read: async (pos: Position, from: SyncFrom, signal?: AbortSignal): Promise<LoopPage<Position>> => {
        const target = targets[pos.target];
        if (!target) return { problems: [], next: null, high: null };
        const url = new URL(`${api}/spaces/${await spaceId(target.space, signal)}/${target.kind}s`);
        // Most recently modified first: the window's start is a clean stop.
        url.searchParams.set('sort', '-modified-date');
        url.searchParams.set('body-format', 'storage');
        url.searchParams.set('limit', String(limit));
        if (pos.cursor) url.searchParams.set('cursor', pos.cursor);
        const { body } = await http.getJson(url, signal);
        const page = expectPage(listSchema, body, 'GET', url, `a ${target.kind} list ({results, _links})`);
        const file = `${url.host}${url.pathname}`;
        const docs = parseEachItem(page.results, documentSchema, { file, path: 'results' }, (d) => d);
        const outcomes: OutcomeRecord[] = [];
        const problems = [...docs.problems];
        let older = false;
        for (const doc of docs.records) {
          if (from.since && new Date(doc.version.createdAt) < from.since) {
            older = true;
            continue;
          }
          if (doc.status !== 'current') continue;
          const got = await documentOutcomes(doc, target.kind, target.space, from.since, signal);
          outcomes.push(...got.outcomes);
          problems.push(...got.problems);
        }
        const cursor = older ? null : nextCursor(page._links?.next);
        const next: Position | null =
          cursor !== null
            ? { target: pos.target, cursor }
            : pos.target + 1 < targets.length
              ? { target: pos.target + 1, cursor: null }
              : null;
        const high = pageHigh(
          page.results,
          (d) => (d.version as { createdAt?: unknown } | undefined)?.createdAt,
        );
        return { outcomes, problems, next, high };
      },
    });
  },
});
