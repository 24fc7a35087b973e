import { z } from 'zod';
import { MileageError } from '../../domain/errors.js';
import { parseLinearProjects } from '../../sources/delivery/linear/projects.js';
import type { HttpClient } from '../http/client.js';
import { graphql } from '../http/graphql.js';
import { describeEndpoint } from '../http/redact.js';
import type { Phase } from '../phases.js';
import { newest } from '../sync/connector.js';

/**
 * Completed Linear projects (Linear's epics) updated in the window: the second phase of a Linear sync,
 * after the issues that name them. A project completed after its last issue was read is still found here.
 */
export const COMPLETED_PROJECTS_QUERY = `query MileageCompletedProjects($first: Int!, $after: String, $filter: ProjectFilter) {
  projects(first: $first, after: $after, filter: $filter, orderBy: updatedAt) {
    pageInfo { hasNextPage endCursor }
    nodes { id createdAt startedAt completedAt canceledAt updatedAt lead { id } }
  }
}`;

export function projectFilter(since: Date | null, teams: string[] | undefined): Record<string, unknown> {
  return {
    completedAt: { null: false },
    ...(since ? { updatedAt: { gte: since.toISOString() } } : {}),
    ...(teams?.length ? { accessibleTeams: { some: { key: { in: teams } } } } : {}),
  };
}

const connectionSchema = z.object({
  projects: z.object({
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
    nodes: z.array(z.unknown()),
  }),
});

export function projectsPhase(
  http: HttpClient,
  url: URL,
  settings: { page_size?: number | undefined; teams?: string[] | undefined },
): Phase {
  return {
    name: 'projects',
    async *pages(from, signal) {
      let after = from.position;
      const filter = projectFilter(from.since, settings.teams);
      const first = settings.page_size ?? 100;
      for (;;) {
        const data = await graphql(http, url, COMPLETED_PROJECTS_QUERY, { first, after, filter }, signal);
        const page = connectionSchema.safeParse(data).data;
        if (!page)
          throw new MileageError(
            'upstream',
            `${describeEndpoint('POST', url)}: unexpected projects response`,
          );
        const { nodes, pageInfo } = page.projects;
        const parsed = parseLinearProjects(nodes, { file: `${url.host}${url.pathname}#projects` });
        const high = newest(
          nodes.map((n) => z.object({ updatedAt: z.string() }).safeParse(n).data?.updatedAt),
        );
        const next = pageInfo.hasNextPage && pageInfo.endCursor ? pageInfo.endCursor : null;
        yield { outcomes: parsed.records, problems: parsed.problems, next, high };
        if (next === null) return;
        after = next;
      }
    },
  };
}
