import { z } from 'zod';
import type { OutcomeRecord } from '../../domain/outcome.js';
import type { ParseResult } from '../../domain/parse-result.js';
import { cursorPages, expectPage, field, pageHigh, type LoopPage } from '../cursor-pages.js';
import type { HttpClient } from '../http/client.js';
import { graphql } from '../http/graphql.js';
import type { SyncFrom } from '../sync/connector.js';
import { searchDataSchema } from './query.js';

/** Position inside a run: which repository, the GraphQL cursor, and a restart past the 1,000-result cap. */
const positionSchema = z.object({
  repo: z.number().int().nonnegative(),
  after: z.string().nullable(),
  since: z.string().nullable(),
  read: z.number().int().nonnegative(),
});
type Position = z.infer<typeof positionSchema>;

const START: Position = { repo: 0, after: null, since: null, read: 0 };

export interface SearchPagesOptions {
  http: HttpClient;
  url: URL;
  repos: readonly string[];
  first: number;
  /** The GraphQL search query, taking `$q`, `$first` and `$after`. */
  query: string;
  /** The search string for one repository and window start (`updated:>=`, sorted by update ascending). */
  searchString: (repo: string, since: Date | null) => string;
  /** The page's nodes as records; `file` names the endpoint and repository. */
  parse: (nodes: unknown[], repo: string, file: string) => ParseResult<OutcomeRecord>;
}

/**
 * GitHub's GraphQL search, repository by repository, least recently updated first (an item updated during
 * the sync moves behind the cursor and is read again, never skipped). The search serves 1,000 results per
 * query string: past that, the listing continues with a query starting at the newest item read.
 */
export function searchPages(o: SearchPagesOptions) {
  return cursorPages({
    position: positionSchema,
    start: () => START,
    read: async (pos: Position, from: SyncFrom, signal?: AbortSignal): Promise<LoopPage<Position>> => {
      // A stored position past the list (the org file lost an entry since): the run is over.
      if (pos.repo >= o.repos.length) return { problems: [], next: null, high: null };
      const repo = o.repos[pos.repo] as string;
      const since = pos.since ? new Date(pos.since) : from.since;
      const variables = { q: o.searchString(repo, since), first: o.first, after: pos.after };
      const data = await graphql(o.http, o.url, o.query, variables, signal);
      const { search } = expectPage(searchDataSchema, data, 'POST', o.url, 'a search connection');
      const parsed = o.parse(search.nodes, repo, `${o.url.host}${o.url.pathname} ${repo}`);
      const high = pageHigh(search.nodes, field('updatedAt'));
      const read = pos.read + search.nodes.length;
      let next: Position | null;
      if (search.pageInfo.hasNextPage && search.pageInfo.endCursor) {
        next = { ...pos, after: search.pageInfo.endCursor, read };
      } else if (search.issueCount > read && high && high.getTime() !== since?.getTime()) {
        next = { repo: pos.repo, after: null, since: high.toISOString(), read: 0 };
      } else {
        next = pos.repo + 1 < o.repos.length ? { ...START, repo: pos.repo + 1 } : null;
      }
      return { outcomes: parsed.records, problems: parsed.problems, next, high };
    },
  });
}
