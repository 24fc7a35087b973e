import { z } from 'zod';
import { parseBitbucketCloudPulls, type PullDetails } from '../../sources/delivery/bitbucket/parse.js';
import { cloudPageSchema, cloudPullSchema } from '../../sources/delivery/bitbucket/cloud-schema.js';
import { defineConnector } from '../base.js';
import { apiRoot } from '../config.js';
import { cursorPages, expectPage, field, pageHigh, type LoopPage } from '../cursor-pages.js';
import type { HttpClient } from '../http/client.js';
import type { SyncFrom } from '../sync/connector.js';
import { bitbucketAuth, bitbucketFields, repoList } from './settings.js';

export const BITBUCKET_CLOUD_API = 'https://api.bitbucket.org';

export const bitbucketCloudSettingsSchema = z.strictObject({
  ...bitbucketFields,
  /** Repositories as workspace/repo. */
  repos: repoList('workspace/repo'),
});

const positionSchema = z.object({ repo: z.number().int().nonnegative(), page: z.number().int().positive() });
type Position = z.infer<typeof positionSchema>;
const START: Position = { repo: 0, page: 1 };

/** BBQL's window: pull requests updated at or after `since` (an ISO instant, unquoted). */
export function cloudQuery(since: Date | null): string | null {
  return since ? `updated_on >= ${since.toISOString()}` : null;
}

/**
 * Every item of a paginated Cloud list (commits, diffstat, activity), following `next` up to `maxPages`
 * pages. A `next` on another host is not followed: the token only ever goes to the API root.
 */
async function all(http: HttpClient, first: URL, maxPages: number, signal?: AbortSignal): Promise<unknown[]> {
  const items: unknown[] = [];
  let url: URL | null = first;
  for (let n = 0; url !== null && n < maxPages; n++) {
    const { body } = await http.getJson(url, signal);
    const page: z.infer<typeof cloudPageSchema> = expectPage(
      cloudPageSchema,
      body,
      'GET',
      url,
      'a page ({values, next})',
    );
    items.push(...page.values);
    const next: URL | null = page.next ? new URL(page.next) : null;
    url = next && next.origin === first.origin ? next : null;
  }
  return items;
}

/**
 * Bitbucket Cloud (`type: bitbucket`, REST 2.0): merged pull requests of each repository, least recently
 * updated first, with their commits (AI markers on every one), diffstat (size and effective lines) and
 * activity (approvals and comments: review times; the MERGED update: the merge time).
 */
export const createBitbucketCloudConnector = defineConnector({
  type: 'bitbucket',
  schema: bitbucketCloudSettingsSchema,
  overlapMinutes: 10,
  auth: bitbucketAuth,
  pages: ({ settings: s, http }) => {
    const root = `${apiRoot(s.base_url ?? BITBUCKET_CLOUD_API)}/2.0`;
    const pagelen = s.page_size ?? 50;
    const detailPages = s.max_detail_pages ?? 5;
    // The repository key's host: bitbucket.org for the API at api.bitbucket.org (forgeHost drops `api.`).
    const base = s.base_url ?? BITBUCKET_CLOUD_API;
    return cursorPages({
      position: positionSchema,
      start: () => START,
      read: async (pos: Position, from: SyncFrom, signal?: AbortSignal): Promise<LoopPage<Position>> => {
        if (pos.repo >= s.repos.length) return { problems: [], next: null, high: null };
        const repo = s.repos[pos.repo] as string;
        const prs = `${root}/repositories/${repo}/pullrequests`;
        const url = new URL(prs);
        url.searchParams.set('state', 'MERGED');
        // Oldest update first: a PR updated during the sync moves behind the position and is re-read.
        url.searchParams.set('sort', 'updated_on');
        url.searchParams.set('pagelen', String(pagelen));
        url.searchParams.set('page', String(pos.page));
        const q = cloudQuery(from.since);
        if (q) url.searchParams.set('q', q);
        const { body } = await http.getJson(url, signal);
        const page = expectPage(cloudPageSchema, body, 'GET', url, 'a pull request page ({values, next})');
        const details = new Map<number, PullDetails>();
        for (const item of page.values) {
          // Only valid merged PRs cost detail requests; the parser lists the bad ones.
          const pr = cloudPullSchema.safeParse(item).data;
          if (pr?.state !== 'MERGED') continue;
          const at = (path: string) => {
            const u = new URL(`${prs}/${pr.id}/${path}`);
            u.searchParams.set('pagelen', '100');
            return u;
          };
          details.set(pr.id, {
            commits: await all(http, at('commits'), detailPages, signal),
            diff: await all(http, at('diffstat'), detailPages, signal),
            activity: await all(http, at('activity'), detailPages, signal),
          });
        }
        const parsed = parseBitbucketCloudPulls(page.values, {
          file: `${url.host}${url.pathname}`,
          repo,
          base,
          details,
        });
        const next: Position | null =
          page.next && page.values.length > 0
            ? { repo: pos.repo, page: pos.page + 1 }
            : pos.repo + 1 < s.repos.length
              ? { repo: pos.repo + 1, page: 1 }
              : null;
        return {
          outcomes: parsed.records,
          problems: parsed.problems,
          next,
          high: pageHigh(page.values, field('updated_on')),
        };
      },
    });
  },
});
