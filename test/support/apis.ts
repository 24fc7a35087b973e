import { readFileSync } from 'node:fs';
import { openStore } from '../../src/store/open.js';
import type { Db } from '../../src/store/db.js';
import type { SourceConfig } from '../../src/org/index.js';
import type { Handler, ReplayServer } from './replay-server.js';

/**
 * Replay handlers that page through fixture items the way each API does (reference §8): GitHub's GraphQL
 * search and Linear's issues connection (first/after cursors), GitLab's offset pages (x-next-page), Jira's
 * search/jql (nextPageToken). Items are filtered by the request's window, like the real APIs.
 */
export function fixture<T = unknown>(path: string): T {
  const parsed: unknown = JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8'));
  return parsed as T;
}

type Item = Record<string, unknown>;

/** A string field of a fixture item, or '' (sorts first). */
export const text = (item: Item, key: string): string => {
  // (the bad-input corpus serves items that are no objects at all)
  const v = typeof item === 'object' && item !== null ? item[key] : undefined;
  return typeof v === 'string' ? v : '';
};
const vars = (json: unknown): Record<string, unknown> =>
  (json as { variables?: Record<string, unknown> }).variables ?? {};

/** Items from `after` (a cursor `c<index>`), `first` of them, with relay-style pageInfo. */
function relayPage(items: unknown[], first: number, after: unknown) {
  const start = typeof after === 'string' ? Number(after.slice(1)) : 0;
  const nodes = items.slice(start, start + first);
  const end = start + nodes.length;
  return { pageInfo: { hasNextPage: end < items.length, endCursor: nodes.length ? `c${end}` : null }, nodes };
}

/** `cap`: the most results one query string serves (GitHub's is 1,000), while issueCount tells them all. */
export function githubSearch(nodes: Item[], cap = 1000): Handler {
  return (req) => {
    const v = vars(req.json);
    const since = /updated:>=(\S+)/.exec(String(v.q))?.[1];
    const matching = nodes
      .filter((n) => !since || (typeof n.updatedAt === 'string' && n.updatedAt >= since) || !n.updatedAt)
      .sort((a, b) => text(a, 'updatedAt').localeCompare(text(b, 'updatedAt')));
    const page = relayPage(matching.slice(0, cap), Number(v.first), v.after);
    return { json: { data: { search: { issueCount: matching.length, ...page } } } };
  };
}

/** Linear's GraphQL endpoint: the issues connection, or the projects one for a projects query. */
export function linearIssues(nodes: Item[], projects: Item[] = []): Handler {
  return (req) => {
    const v = vars(req.json);
    const gte = (v.filter as { updatedAt?: { gte?: string } } | undefined)?.updatedAt?.gte;
    const isProjects = /\bprojects\(/.test(String((req.json as { query?: unknown }).query));
    const matching = (isProjects ? projects : nodes).filter((n) => !gte || text(n, 'updatedAt') >= gte);
    const page = relayPage(matching, Number(v.first), v.after);
    return { json: { data: isProjects ? { projects: page } : { issues: page } } };
  };
}

export function jiraSearch(issues: Item[]): Handler {
  return (req) => {
    const body = req.json as { maxResults: number; nextPageToken?: string };
    const start = body.nextPageToken ? Number(body.nextPageToken.slice(2)) : 0;
    const page = issues.slice(start, start + body.maxResults);
    const end = start + page.length;
    const isLast = end >= issues.length;
    return { json: { issues: page, ...(isLast ? { isLast } : { nextPageToken: `t:${end}`, isLast }) } };
  };
}

/** GitLab: the MR list (offset pages with x-next-page) and each MR's commits and diffs. */
export function gitlabProject(
  server: ReplayServer,
  project: string,
  mrs: Item[],
  commits: Record<string, unknown>,
  diffs: Record<string, unknown>,
  approvals: Record<string, unknown> = {},
  notes: Record<string, unknown> = {},
): void {
  const base = `/api/v4/projects/${encodeURIComponent(project)}/merge_requests`;
  server.route('GET', base, (req) => {
    const perPage = Number(req.query.get('per_page'));
    const page = Number(req.query.get('page') ?? 1);
    const after = req.query.get('updated_after');
    const matching = mrs.filter((m) => !after || text(m, 'updated_at') >= after);
    const items = matching.slice((page - 1) * perPage, page * perPage);
    const more = page * perPage < matching.length;
    return { json: items, headers: { 'x-page': String(page), 'x-next-page': more ? String(page + 1) : '' } };
  });
  for (const m of mrs.filter((x) => typeof x === 'object' && x !== null)) {
    server.route('GET', `${base}/${String(m.iid)}/commits`, () => ({ json: commits[String(m.iid)] ?? [] }));
    server.route('GET', `${base}/${String(m.iid)}/diffs`, () => ({ json: diffs[String(m.iid)] ?? [] }));
    server.route('GET', `${base}/${String(m.iid)}/approvals`, () => ({
      json: approvals[String(m.iid)] ?? { approved_by: [] },
    }));
    server.route('GET', `${base}/${String(m.iid)}/notes`, () => ({ json: notes[String(m.iid)] ?? [] }));
  }
}

/** A source entry as the org file would give it. */
export function sourceConfig(name: string, config: Record<string, unknown>): SourceConfig {
  return {
    name,
    config,
    issueAt: (path, message) => ({
      file: 'mileage.yaml',
      line: 1,
      column: 1,
      field: [name, ...path].join('.'),
      message,
    }),
  };
}

export function memoryDb(): Promise<Db> {
  return openStore(':memory:');
}

/** Every stored outcome, all columns, in id order: two syncs that stored the same records compare equal. */
export async function storedOutcomes(db: Db) {
  return db.query('SELECT * EXCLUDE (day) FROM outcomes ORDER BY id');
}

/**
 * Every stored spend fact — usage (without the pricing columns the pass fills later), vendor seats (without
 * the sync time) and seat activity — in id order: two syncs that stored the same facts compare equal.
 */
export async function storedSpend(db: Db) {
  const usage = await db.query('SELECT * EXCLUDE (day) FROM usage ORDER BY id');
  const seats = await db.query('SELECT * EXCLUDE (synced_at) FROM seat_records ORDER BY id');
  const activity = await db.query('SELECT * FROM seat_activity ORDER BY id');
  const users = await db.query('SELECT * EXCLUDE (synced_at) FROM reported_active_users ORDER BY id');
  return [
    ...usage.map((r) => ({ t: 'usage', ...r })),
    ...seats.map((r) => ({ t: 'seat', ...r })),
    ...activity.map((r) => ({ t: 'activity', ...r })),
    ...users.map((r) => ({ t: 'active-users', ...r })),
  ];
}
