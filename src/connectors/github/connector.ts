import { z } from 'zod';
import { milestoneEpics } from '../../sources/delivery/github/milestones.js';
import { parseGithubPullNodes } from '../../sources/delivery/github/parse.js';
import { defineConnector } from '../base.js';
import { apiRoot, baseFields } from '../config.js';
import { isGraphqlRateLimited } from '../http/graphql.js';
import { MERGED_PRS_QUERY, searchString } from './query.js';
import { searchPages } from './search-pages.js';

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
    return searchPages({
      http,
      url,
      repos: s.repos,
      first,
      query: MERGED_PRS_QUERY,
      searchString,
      parse: (nodes, repo, file) => {
        const base = s.base_url ?? GITHUB_API;
        const parsed = parseGithubPullNodes(nodes, { file, repo, base, reworkLabels: s.rework_labels });
        // Closed milestones the page's PRs name are epics (epic lead time).
        return { ...parsed, records: [...parsed.records, ...milestoneEpics(nodes, { repo, base })] };
      },
    });
  },
});
