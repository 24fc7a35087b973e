import { z } from 'zod';
import { MileageError } from '../../domain/errors.js';
import { milestoneEpics } from '../../sources/delivery/github/milestones.js';
import { parseGithubPullNodes } from '../../sources/delivery/github/parse.js';
import { defineConnector } from '../base.js';
import { apiRoot, baseFields } from '../config.js';
import { graphql, isGraphqlRateLimited } from '../http/graphql.js';
import { describeEndpoint } from '../http/redact.js';
import { newest, type SyncFrom, type SyncPage } from '../sync/connector.js';
import { MERGED_PRS_QUERY, searchDataSchema, searchString, updatedAtSchema } from './query.js';

export const githubSettingsSchema = z.strictObject({
  ...baseFields,
  /** Repositories as owner/name. */
  repos: z
    .array(z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'expected a repository as owner/name'), {
      error: 'expected a list of repositories, such as [acme/api]',
    })
    .min(1, 'expected at least one repository'),
  /** Labels that mark a PR as rework (default: rework, regression). */
  rework_labels: z.array(z.string()).optional(),
});
export type GithubSettings = z.infer<typeof githubSettingsSchema>;

export const GITHUB_API = 'https://api.github.com';

/** `https://api.github.com/graphql`; GitHub Enterprise `https://ghe.example.com/api/v3` → `…/api/graphql`. */
export function graphqlUrl(base: string): URL {
  return new URL(`${apiRoot(base).replace(/\/v3$/, '')}/graphql`);
}

/** Position inside a run: which repository, the GraphQL cursor, and a restart past the 1,000-result cap. */
const positionSchema = z.object({
  repo: z.number().int().nonnegative(),
  after: z.string().nullable(),
  since: z.string().nullable(),
  read: z.number().int().nonnegative(),
});
type Position = z.infer<typeof positionSchema>;

const START: Position = { repo: 0, after: null, since: null, read: 0 };

function decode(position: string | null): Position {
  if (position === null) return START;
  try {
    return positionSchema.safeParse(JSON.parse(position)).data ?? START;
  } catch {
    return START;
  }
}

export const createGithubConnector = defineConnector({
  type: 'github',
  schema: githubSettingsSchema,
  overlapMinutes: 10,
  auth: (token, s) => ({
    header: 'authorization',
    value: `Bearer ${token}`,
    hint: `the token in $${s.token_env}`,
  }),
  client: () => ({ rateLimitedBody: isGraphqlRateLimited }),
  pages: ({ settings: s, http }) => {
    const url = graphqlUrl(s.base_url ?? GITHUB_API);
    const first = s.page_size ?? 25;
    return async function* (from: SyncFrom, signal?: AbortSignal): AsyncIterable<SyncPage> {
      let pos = decode(from.position);
      while (pos.repo < s.repos.length) {
        const repo = s.repos[pos.repo] as string;
        const since = pos.since ? new Date(pos.since) : from.since;
        const data = await graphql(
          http,
          url,
          MERGED_PRS_QUERY,
          { q: searchString(repo, since), first, after: pos.after },
          signal,
        );
        const page = searchDataSchema.safeParse(data);
        if (!page.success) {
          throw new MileageError('upstream', `${describeEndpoint('POST', url)}: unexpected search response`);
        }
        const { search } = page.data;
        const label = `${url.host}${url.pathname} ${repo}`;
        const parsed = parseGithubPullNodes(search.nodes, {
          file: label,
          repo,
          base: s.base_url ?? GITHUB_API,
          reworkLabels: s.rework_labels,
        });
        const high = newest(search.nodes.map((n) => updatedAtSchema.safeParse(n).data?.updatedAt));
        const read = pos.read + search.nodes.length;
        let next: Position | null;
        if (search.pageInfo.hasNextPage && search.pageInfo.endCursor) {
          next = { ...pos, after: search.pageInfo.endCursor, read };
        } else if (search.issueCount > read && high && high.getTime() !== since?.getTime()) {
          // The search serves 1,000 results per query: continue with a query starting at the newest seen.
          next = { repo: pos.repo, after: null, since: high.toISOString(), read: 0 };
        } else {
          next = pos.repo + 1 < s.repos.length ? { ...START, repo: pos.repo + 1 } : null;
        }
        yield {
          // Closed milestones the page's PRs name are epics (epic lead time).
          outcomes: [
            ...parsed.records,
            ...milestoneEpics(search.nodes, { repo, base: s.base_url ?? GITHUB_API }),
          ],
          problems: parsed.problems,
          next: next && JSON.stringify(next),
          high,
        };
        if (next === null) return;
        pos = next;
      }
    };
  },
});
