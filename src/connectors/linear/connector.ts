import { z } from 'zod';
import { MileageError } from '../../domain/errors.js';
import { parseLinearIssues } from '../../sources/delivery/linear/parse.js';
import { defineConnector } from '../base.js';
import { apiRoot, baseFields } from '../config.js';
import { graphql, isGraphqlRateLimited } from '../http/graphql.js';
import { describeEndpoint } from '../http/redact.js';
import { phasedPages, type PhaseFrom } from '../phases.js';
import { newest, type SyncPage } from '../sync/connector.js';
import { projectsPhase } from './projects.js';

export const linearSettingsSchema = z.strictObject({
  ...baseFields,
  /** Team keys to read (default: every team the key can see). */
  teams: z.array(z.string().min(1)).optional(),
  /** true when token_env holds an OAuth access token (sent as Bearer); a personal API key is sent bare. */
  oauth: z.boolean().optional(),
});

export const LINEAR_API = 'https://api.linear.app';

/** Completed issues updated in the window (reference §8.4); the parser skips anything not completed. */
export const COMPLETED_ISSUES_QUERY = `query MileageCompletedIssues($first: Int!, $after: String, $filter: IssueFilter) {
  issues(first: $first, after: $after, filter: $filter, orderBy: updatedAt) {
    pageInfo { hasNextPage endCursor }
    nodes { id identifier estimate createdAt startedAt completedAt updatedAt
      state { type } assignee { id } project { id } labels { nodes { name } } }
  }
}`;

export function issueFilter(since: Date | null, teams: string[] | undefined): Record<string, unknown> {
  return {
    completedAt: { null: false },
    ...(since ? { updatedAt: { gte: since.toISOString() } } : {}),
    ...(teams?.length ? { team: { key: { in: teams } } } : {}),
  };
}

const connectionSchema = z.object({
  issues: z.object({
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
    nodes: z.array(z.unknown()),
  }),
});

export const createLinearConnector = defineConnector({
  type: 'linear',
  schema: linearSettingsSchema,
  overlapMinutes: 10,
  // A personal API key goes in Authorization as is, without "Bearer" (reference §8.4).
  auth: (key, s) => ({
    header: 'authorization',
    value: s.oauth ? `Bearer ${key}` : key,
    hint: `the API key in $${s.token_env}`,
  }),
  client: () => ({ rateLimitedBody: isGraphqlRateLimited }),
  pages: ({ settings: s, http, deps }) => {
    const url = new URL(`${apiRoot(s.base_url ?? LINEAR_API)}/graphql`);
    const first = s.page_size ?? 100;

    const issues = async function* (from: PhaseFrom, signal?: AbortSignal): AsyncIterable<SyncPage> {
      let after = from.position;
      const filter = issueFilter(from.since, s.teams);
      for (;;) {
        const data = await graphql(http, url, COMPLETED_ISSUES_QUERY, { first, after, filter }, signal);
        const page = connectionSchema.safeParse(data).data;
        if (!page)
          throw new MileageError('upstream', `${describeEndpoint('POST', url)}: unexpected issues response`);
        const { nodes, pageInfo } = page.issues;
        const parsed = parseLinearIssues(nodes, { file: `${url.host}${url.pathname}` });
        const high = newest(
          nodes.map((n) => z.object({ updatedAt: z.string() }).safeParse(n).data?.updatedAt),
        );
        const next = pageInfo.hasNextPage && pageInfo.endCursor ? pageInfo.endCursor : null;
        yield { outcomes: parsed.records, problems: parsed.problems, next, high };
        if (next === null) return;
        after = next;
      }
    };
    // Issues first, then the completed projects (Linear's epics) they name, for epic lead time.
    return phasedPages([{ name: 'issues', pages: issues }, projectsPhase(http, url, s)], deps.now);
  },
});
