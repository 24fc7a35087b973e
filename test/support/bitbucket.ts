import type { ReplayServer } from './replay-server.js';

type Item = Record<string, unknown>;
const str = (item: Item, key: string) => (typeof item[key] === 'string' ? item[key] : '');
const num = (item: Item, key: string) => (typeof item[key] === 'number' ? item[key] : 0);

/**
 * Bitbucket Cloud as its REST 2.0 pages answers (`{values, page, pagelen, size, next}`, `next` a full URL):
 * a repository's pull requests filtered by the BBQL window `updated_on >= …` and sorted by `updated_on`, and
 * each PR's commits, diffstat and activity, paged at `pagelen`.
 */
export function bitbucketCloud(
  server: ReplayServer,
  repo: string,
  prs: Item[],
  details: Record<string, { commits?: unknown[]; diffstat?: unknown[]; activity?: unknown[] }>,
): void {
  const base = `/2.0/repositories/${repo}/pullrequests`;
  const paged = (path: string, items: unknown[]) => (req: { query: URLSearchParams }) => {
    const pagelen = Number(req.query.get('pagelen') ?? 10);
    const page = Number(req.query.get('page') ?? 1);
    const values = items.slice((page - 1) * pagelen, page * pagelen);
    const more = page * pagelen < items.length;
    const next = new URL(`${server.url}${path}`);
    for (const [k, v] of req.query) next.searchParams.set(k, v);
    next.searchParams.set('page', String(page + 1));
    return { json: { pagelen, size: items.length, page, values, ...(more ? { next: next.href } : {}) } };
  };
  server.route('GET', base, (req) => {
    const since = /updated_on >= (\S+)/.exec(req.query.get('q') ?? '')?.[1];
    const state = req.query.get('state');
    const matching = prs
      .filter((p) => !state || typeof p !== 'object' || p.state === state)
      .filter((p) => !since || !str(p, 'updated_on') || Date.parse(str(p, 'updated_on')) >= Date.parse(since))
      .sort((a, b) => Date.parse(str(a, 'updated_on')) - Date.parse(str(b, 'updated_on')));
    return paged(base, matching)(req);
  });
  for (const [id, d] of Object.entries(details)) {
    for (const kind of ['commits', 'diffstat', 'activity'] as const) {
      const path = `${base}/${id}/${kind}`;
      server.route('GET', path, paged(path, d[kind] ?? []));
    }
  }
}

/**
 * Bitbucket Data Center as its REST 1.0 pages answer (`{values, size, limit, start, isLastPage,
 * nextPageStart}`): a repository's merged pull requests most recently closed first (`order=CLOSED_DATE`), each PR's commits and activities, its
 * diff and its linked Jira issues (404 for a PR when `jira` is false: no Jira integration).
 */
export function bitbucketServer(
  server: ReplayServer,
  projectRepo: string,
  prs: Item[],
  details: Record<string, { commits?: unknown[]; activities?: unknown[]; diff?: unknown; issues?: unknown }>,
  jira = true,
): void {
  const [project = '', slug = ''] = projectRepo.split('/');
  const base = `/rest/api/1.0/projects/${project}/repos/${slug}/pull-requests`;
  const paged = (items: unknown[]) => (req: { query: URLSearchParams }) => {
    const limit = Number(req.query.get('limit') ?? 25);
    const start = Number(req.query.get('start') ?? 0);
    const values = items.slice(start, start + limit);
    const isLastPage = start + limit >= items.length;
    return {
      json: {
        size: values.length,
        limit,
        start,
        isLastPage,
        values,
        ...(isLastPage ? {} : { nextPageStart: start + limit }),
      },
    };
  };
  server.route('GET', base, (req) => {
    const state = req.query.get('state');
    const sorted = prs
      .filter((p) => !state || p.state === state)
      .sort((a, b) => num(b, 'closedDate') - num(a, 'closedDate'));
    return paged(sorted)(req);
  });
  for (const [id, d] of Object.entries(details)) {
    server.route('GET', `${base}/${id}/commits`, paged(d.commits ?? []));
    server.route('GET', `${base}/${id}/activities`, paged(d.activities ?? []));
    server.route('GET', `${base}/${id}/diff`, () => ({ json: d.diff ?? { diffs: [] } }));
    server.route('GET', `/rest/jira/1.0/projects/${project}/repos/${slug}/pull-requests/${id}/issues`, () =>
      jira
        ? { json: d.issues ?? [] }
        : { status: 404, json: { errors: [{ message: 'Jira integration is not configured' }] } },
    );
  }
}
