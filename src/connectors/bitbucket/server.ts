import { z } from 'zod';
import { parseBitbucketServerPulls, type PullDetails } from '../../sources/delivery/bitbucket/parse.js';
import { serverPageSchema, serverPullSchema } from '../../sources/delivery/bitbucket/server-schema.js';
import { defineConnector } from '../base.js';
import { apiRoot } from '../config.js';
import { cursorPages, expectPage, field, pageHigh, type LoopPage } from '../cursor-pages.js';
import type { HttpClient } from '../http/client.js';
import type { SyncFrom } from '../sync/connector.js';
import { bitbucketAuth, bitbucketFields, repoList } from './settings.js';

export const bitbucketServerSettingsSchema = z.strictObject({
  ...bitbucketFields,
  /** The server: https://bitbucket.acme.com (its REST API is under /rest). */
  base_url: z.url({ error: 'expected the server URL, such as https://bitbucket.acme.com' }),
  /** Repositories as PROJECT/repo. */
  repos: repoList('PROJECT/repo'),
  /** Read the Jira issues Bitbucket links to each PR (default true; needs the Jira integration). */
  jira_links: z.boolean().default(true),
});

const positionSchema = z.object({
  repo: z.number().int().nonnegative(),
  start: z.number().int().nonnegative(),
});
type Position = z.infer<typeof positionSchema>;
const START: Position = { repo: 0, start: 0 };

/** Every item of a paginated Data Center list (commits, activities), `start` by `start`, up to `maxPages`. */
async function all(
  http: HttpClient,
  path: string,
  maxPages: number,
  signal?: AbortSignal,
): Promise<unknown[]> {
  const items: unknown[] = [];
  for (let n = 0, start = 0; n < maxPages; n++) {
    const url = new URL(path);
    url.searchParams.set('start', String(start));
    url.searchParams.set('limit', '100');
    const { body } = await http.getJson(url, signal);
    const page = expectPage(serverPageSchema, body, 'GET', url, 'a page ({values, isLastPage})');
    items.push(...page.values);
    if (page.isLastPage || page.nextPageStart === null || page.nextPageStart === undefined) break;
    start = page.nextPageStart;
  }
  return items;
}

/**
 * Bitbucket Data Center / Server (`type: bitbucket-server`, REST 1.0): merged pull requests of each
 * repository, most recently merged first (`order=CLOSED_DATE`; the API has no updated-since filter), down
 * to the window's start; with their
 * commits, diff line counts (context lines excluded; lines are counted, never kept), activities (approvals
 * and comments) and the Jira issues Bitbucket links to them.
 */
export const createBitbucketServerConnector = defineConnector({
  type: 'bitbucket-server',
  schema: bitbucketServerSettingsSchema,
  // Newest merge first with offsets: a PR merged during a sync shifts the pages by one; the overlap
  // re-reads what moved.
  overlapMinutes: 30,
  auth: bitbucketAuth,
  pages: ({ settings: s, http }) => {
    const root = apiRoot(s.base_url);
    const limit = s.page_size ?? 25;
    const detailPages = s.max_detail_pages ?? 5;
    return cursorPages({
      position: positionSchema,
      start: () => START,
      read: async (pos: Position, from: SyncFrom, signal?: AbortSignal): Promise<LoopPage<Position>> => {
        if (pos.repo >= s.repos.length) return { problems: [], next: null, high: null };
        const repo = s.repos[pos.repo] as string;
        const [project = '', slug = ''] = repo.split('/');
        const path = `projects/${encodeURIComponent(project)}/repos/${encodeURIComponent(slug)}/pull-requests`;
        const url = new URL(`${root}/rest/api/1.0/${path}`);
        url.searchParams.set('state', 'MERGED');
        // Most recently closed (merged) first: a merged PR's close date never moves, so the window's start
        // is a clean stop (REST: `order=CLOSED_DATE`).
        url.searchParams.set('order', 'CLOSED_DATE');
        url.searchParams.set('start', String(pos.start));
        url.searchParams.set('limit', String(limit));
        const { body } = await http.getJson(url, signal);
        const page = expectPage(
          serverPageSchema,
          body,
          'GET',
          url,
          'a pull request page ({values, isLastPage})',
        );
        const since = from.since?.getTime() ?? -Infinity;
        const inWindow = page.values.filter((v) => {
          const closed = z.object({ closedDate: z.number() }).safeParse(v).data?.closedDate;
          return closed === undefined || closed >= since;
        });
        const details = new Map<number, PullDetails>();
        for (const item of inWindow) {
          // Only valid merged PRs cost detail requests; the parser lists the bad ones.
          const pr = serverPullSchema.safeParse(item).data;
          if (pr?.state !== 'MERGED') continue;
          const one = `${root}/rest/api/1.0/${path}/${pr.id}`;
          const diff = new URL(`${one}/diff`);
          diff.searchParams.set('contextLines', '0');
          let jira: unknown = null;
          if (s.jira_links) {
            const res = await http.requestJson({
              url: new URL(`${root}/rest/jira/1.0/${path}/${pr.id}/issues`),
              signal,
              allowStatus: [404],
            });
            jira = res.status === 404 ? null : res.body;
          }
          details.set(pr.id, {
            commits: await all(http, `${one}/commits`, detailPages, signal),
            diff: (await http.getJson(diff, signal)).body,
            activity: await all(http, `${one}/activities`, detailPages, signal),
            jira,
          });
        }
        const parsed = parseBitbucketServerPulls(inWindow, {
          file: `${url.host}${url.pathname}`,
          repo,
          base: root,
          details,
        });
        // Newest merge first: past the window's start, the older pages hold nothing to read.
        const more =
          !page.isLastPage &&
          typeof page.nextPageStart === 'number' &&
          inWindow.length === page.values.length;
        const next: Position | null = more
          ? { repo: pos.repo, start: page.nextPageStart as number }
          : pos.repo + 1 < s.repos.length
            ? { repo: pos.repo + 1, start: 0 }
            : null;
        return {
          outcomes: parsed.records,
          problems: parsed.problems,
          next,
          high: pageHigh(inWindow, field('closedDate')),
        };
      },
    });
  },
});
