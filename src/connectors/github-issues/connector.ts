import { z } from 'zod';
import { parseGithubIssueNodes } from '../../sources/delivery/github-issues/parse.js';
import { defineConnector } from '../base.js';
import { baseFields } from '../config.js';
import { GITHUB_API, graphqlUrl } from '../github/connector.js';
import { searchPages } from '../github/search-pages.js';
import { isGraphqlRateLimited } from '../http/graphql.js';

export const githubIssuesSettingsSchema = z.strictObject({
  ...baseFields,
  /** Repositories as owner/name. */
  repos: z
    .array(z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'expected a repository as owner/name'), {
      error: 'expected a list of repositories, such as [acme/api]',
    })
    .min(1, 'expected at least one repository'),
  /** Labels carrying points start with this (default `points:`, as in `points:3`); null for none. */
  points_label_prefix: z.string().min(1).nullable().default('points:'),
  /** A Projects (v2) number field holding the points (`Points`, `Estimate`); read before the labels. */
  points_field: z.string().min(1).optional(),
});

/**
 * Closed issues of one repository, least recently updated first (GraphQL search, reference §8.1's search
 * with `is:issue is:closed`): assignees, labels, the PRs that closed them and Projects number fields.
 */
export const CLOSED_ISSUES_QUERY = `query MileageClosedIssues($q: String!, $first: Int!, $after: String) {
  search(query: $q, type: ISSUE, first: $first, after: $after) {
    issueCount
    pageInfo { hasNextPage endCursor }
    nodes {
      ... on Issue {
        number createdAt closedAt updatedAt stateReason
        assignees(first: 5) { nodes { login } }
        labels(first: 30) { nodes { name } }
        closedByPullRequestsReferences(first: 10, includeClosedPrs: false) {
          nodes { number repository { nameWithOwner } }
        }
        projectItems(first: 5) {
          nodes { fieldValues(first: 30) { nodes {
            ... on ProjectV2ItemFieldNumberValue { number field { ... on ProjectV2FieldCommon { name } } }
          } } }
        }
      }
    }
  }
}`;

export function issueSearchString(repo: string, since: Date | null): string {
  const window = since ? ` updated:>=${since.toISOString().replace(/\.\d{3}Z$/, 'Z')}` : '';
  return `repo:${repo} is:issue is:closed${window} sort:updated-asc`;
}

/**
 * GitHub Issues as a tracker (`type: github-issues`): closed issues as tickets, so teams without Jira or
 * Linear get cost per closed ticket. Points from a label convention (`points:3`) or a Projects number field.
 */
export const createGithubIssuesConnector = defineConnector({
  type: 'github-issues',
  schema: githubIssuesSettingsSchema,
  overlapMinutes: 10,
  auth: (token, s) => ({
    header: 'authorization',
    value: `Bearer ${token}`,
    hint: `the token in $${s.token_env}`,
  }),
  client: () => ({ rateLimitedBody: isGraphqlRateLimited }),
  pages: ({ settings: s, http }) =>
    searchPages({
      http,
      url: graphqlUrl(s.base_url ?? GITHUB_API),
      repos: s.repos,
      first: s.page_size ?? 50,
      query: CLOSED_ISSUES_QUERY,
      searchString: issueSearchString,
      parse: (nodes, repo, file) =>
        parseGithubIssueNodes(nodes, {
          file,
          repo,
          points: { labelPrefix: s.points_label_prefix, projectField: s.points_field ?? null },
        }),
    }),
});
