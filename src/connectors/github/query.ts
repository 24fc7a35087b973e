import { z } from 'zod';

/**
 * Merged PRs of one repository, least recently updated first, through the GraphQL search (reference §8.1):
 * ascending order means a PR updated during the sync moves behind the cursor and is read again, never
 * skipped. Fields are those parseGithubPullNodes reads, plus `updatedAt` for the watermark.
 */
export const MERGED_PRS_QUERY = `query MileageMergedPulls($q: String!, $first: Int!, $after: String) {
  search(query: $q, type: ISSUE, first: $first, after: $after) {
    issueCount
    pageInfo { hasNextPage endCursor }
    nodes {
      ... on PullRequest {
        number title createdAt updatedAt mergedAt additions deletions changedFiles headRefName
        author { login }
        milestone { number state createdAt closedAt }
        labels(first: 20) { nodes { name } }
        closingIssuesReferences(first: 10) { nodes { number repository { nameWithOwner } } }
        reviews(first: 50) { nodes { state submittedAt author { login } } }
        commits(first: 100) {
          nodes { commit { message authoredDate
            author { name email user { login } }
            authors(first: 10) { nodes { name email user { login } } } } }
        }
      }
    }
  }
}`;

/** The search string: `updated:>=` takes an ISO instant; without a start, every merged PR. */
export function searchString(repo: string, since: Date | null): string {
  const window = since ? ` updated:>=${since.toISOString().replace(/\.\d{3}Z$/, 'Z')}` : '';
  return `repo:${repo} is:pr is:merged${window} sort:updated-asc`;
}

/** The search connection around the PullRequest nodes (which parseGithubPullNodes validates one by one). */
export const searchDataSchema = z.object({
  search: z.object({
    /** All matches; the search serves at most 1,000 of them per query string. */
    issueCount: z.number().int().nonnegative(),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
    nodes: z.array(z.unknown()),
  }),
});
