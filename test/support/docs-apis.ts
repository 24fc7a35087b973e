import type { ReplayServer } from './replay-server.js';

type Item = Record<string, unknown>;

/** Confluence Cloud fixture (test/fixtures/confluence): spaces, documents by type, versions and bodies by id. */
export interface ConfluenceSite {
  spaces: { results: { id: string; key: string }[] };
  documents: Record<'page' | 'blogpost', Item[]>;
  versions: Record<string, Item[]>;
  bodies: Record<string, Record<string, string>>;
}

const versionAt = (d: Item): string => {
  const v = d.version as { createdAt?: unknown } | undefined;
  return typeof v?.createdAt === 'string' ? v.createdAt : '';
};

/** A cursor-paged v2 answer: `results` from the offset in `cursor`, `_links.next` a relative URL. */
function cursorPage(path: string, items: unknown[], query: URLSearchParams, defaultLimit: number) {
  const limit = Number(query.get('limit') ?? defaultLimit);
  const start = Number((query.get('cursor') ?? 'o0').slice(1));
  const results = items.slice(start, start + limit);
  const end = start + results.length;
  const next = new URLSearchParams(query);
  next.set('cursor', `o${end}`);
  return {
    results,
    _links: {
      base: 'https://acme.atlassian.net/wiki',
      ...(end < items.length ? { next: `${path}?${next}` } : {}),
    },
  };
}

/**
 * Confluence Cloud REST v2 as documented (developer.atlassian.com/cloud/confluence/rest/v2): spaces by key,
 * a space's pages and blog posts sorted by `-modified-date` (the newest version first) with cursor pages,
 * each document's versions (newest first) and any version's body (`?version=n&body-format=storage`).
 */
export function confluenceCloud(server: ReplayServer, site: ConfluenceSite): void {
  const api = '/wiki/api/v2';
  server.route('GET', `${api}/spaces`, (req) => {
    const keys = (req.query.get('keys') ?? '').split(',');
    return { json: { ...site.spaces, results: site.spaces.results.filter((s) => keys.includes(s.key)) } };
  });
  for (const space of site.spaces.results) {
    for (const kind of ['page', 'blogpost'] as const) {
      const path = `${api}/spaces/${space.id}/${kind}s`;
      server.route('GET', path, (req) => {
        const sorted = [...site.documents[kind]].sort((a, b) => versionAt(b).localeCompare(versionAt(a)));
        return { json: cursorPage(path, sorted, req.query, 25) };
      });
    }
  }
  for (const kind of ['page', 'blogpost'] as const) {
    for (const doc of site.documents[kind]) {
      const id = String(doc.id);
      const path = `${api}/${kind}s/${id}`;
      server.route('GET', `${path}/versions`, (req) => ({
        json: cursorPage(`${path}/versions`, site.versions[id] ?? [], req.query, 50),
      }));
      server.route('GET', path, (req) => {
        const n = req.query.get('version') ?? '';
        const value = site.bodies[id]?.[n];
        if (value === undefined)
          return { status: 404, json: { errors: [{ status: 404, code: 'NOT_FOUND' }] } };
        return {
          json: {
            ...doc,
            version: { number: Number(n) },
            body: { storage: { representation: 'storage', value } },
          },
        };
      });
    }
  }
}

/** Notion fixture (test/fixtures/notion): a database id, page objects, and block children by parent id. */
export interface NotionWorkspace {
  database: string;
  pages: Item[];
  blocks: Record<string, Item[]>;
}

const str = (item: Item, key: string): string => (typeof item[key] === 'string' ? item[key] : '');

/** A Notion list answer from `start_cursor` (an offset here; opaque to the client). */
function notionList(items: unknown[], startCursor: unknown, pageSize: number, type: string) {
  const start = typeof startCursor === 'string' ? Number(startCursor.slice(1)) : 0;
  const results = items.slice(start, start + pageSize);
  const end = start + results.length;
  const hasMore = end < items.length;
  return {
    object: 'list',
    results,
    next_cursor: hasMore ? `o${end}` : null,
    has_more: hasMore,
    type,
    [type]: {},
  };
}

/**
 * The Notion API as documented (developers.notion.com/reference): `POST /v1/search` (pages only, sorted by
 * last_edited_time as asked), `POST /v1/databases/{id}/query` (the created_time filter and sort Mileage
 * sends) and `GET /v1/blocks/{id}/children` (100 at most a request), each paged by start_cursor.
 */
export function notionApi(server: ReplayServer, ws: NotionWorkspace): void {
  server.route('POST', '/v1/search', (req) => {
    const body = req.json as { sort?: { direction?: string }; page_size?: number; start_cursor?: string };
    const desc = body.sort?.direction !== 'ascending';
    const sorted = [...ws.pages].sort((a, b) => {
      const c = str(a, 'last_edited_time').localeCompare(str(b, 'last_edited_time'));
      return desc ? -c : c;
    });
    return { json: notionList(sorted, body.start_cursor, body.page_size ?? 100, 'page_or_database') };
  });
  server.route('POST', `/v1/databases/${ws.database}/query`, (req) => {
    // A timestamp filter and sort as the reference documents them: `{timestamp: created_time | last_edited_time,
    // <that field>: {on_or_after}}` and `sorts: [{timestamp, direction}]`.
    const body = req.json as {
      filter?: { timestamp?: string } & Record<string, { on_or_after?: string } | string | undefined>;
      sorts?: { timestamp?: string; direction?: string }[];
      page_size?: number;
      start_cursor?: string;
    };
    const field = body.filter?.timestamp ?? 'created_time';
    const range = body.filter?.[field];
    const after = typeof range === 'object' ? range.on_or_after : undefined;
    const by = body.sorts?.[0]?.timestamp ?? 'created_time';
    const inDb = ws.pages
      .filter((p) => (p.parent as { database_id?: string } | undefined)?.database_id === ws.database)
      .filter((p) => !after || !/^\d{4}-/.test(str(p, field)) || str(p, field) >= after)
      .sort((a, b) => str(a, by).localeCompare(str(b, by)));
    return { json: notionList(inDb, body.start_cursor, body.page_size ?? 100, 'page') };
  });
  for (const [parent, children] of Object.entries(ws.blocks)) {
    server.route('GET', `/v1/blocks/${parent}/children`, (req) => ({
      json: notionList(
        children,
        req.query.get('start_cursor'),
        Math.min(100, Number(req.query.get('page_size') ?? 100)),
        'block',
      ),
    }));
  }
}

/** Confluence Data Center fixture (test/fixtures/confluence/server-docs.json). */
export interface ConfluenceServerSite {
  contents: Item[];
  versions: Record<string, Record<string, Item>>;
  bodies: Record<string, Record<string, string>>;
}

const when = (d: Item): string => {
  const v = d.version as { when?: unknown } | undefined;
  return typeof v?.when === 'string' ? v.when : '';
};

/**
 * Confluence Data Center's REST `content` API as documented (docs.atlassian.com/ConfluenceServer/rest): the
 * CQL search (`space in (…) and type in (…) and lastmodified >= "yyyy-MM-dd HH:mm" order by lastmodified
 * desc`, read here in UTC) paged by `start`/`limit` with a relative `_links.next`, and any version of a
 * document with `status=historical&version=n`.
 */
export function confluenceServer(server: ReplayServer, site: ConfluenceServerSite): void {
  const search = '/rest/api/content/search';
  server.route('GET', search, (req) => {
    const cql = req.query.get('cql') ?? '';
    const spaces = [...(/space in \(([^)]*)\)/.exec(cql)?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    const types = (/type in \(([^)]*)\)/.exec(cql)?.[1] ?? '').split(',').map((t) => t.trim());
    const since = /lastmodified >= "([^"]+)"/.exec(cql)?.[1];
    const sinceIso = since ? `${since.replace(' ', 'T')}:00.000Z` : '';
    const matching = site.contents
      .filter((c) => spaces.includes((c.space as { key?: string } | undefined)?.key ?? ''))
      .filter((c) => types.includes(str(c, 'type')))
      .filter((c) => !sinceIso || when(c) >= sinceIso)
      .sort((a, b) => when(b).localeCompare(when(a)));
    const start = Number(req.query.get('start') ?? 0);
    const limit = Number(req.query.get('limit') ?? 25);
    const results = matching.slice(start, start + limit);
    const next = new URLSearchParams(req.query);
    next.set('start', String(start + results.length));
    return {
      json: {
        results,
        start,
        limit,
        size: results.length,
        _links: {
          base: 'https://confluence.acme.com',
          context: '',
          self: `https://confluence.acme.com${search}`,
          ...(start + results.length < matching.length ? { next: `${search}?${next}` } : {}),
        },
      },
    };
  });
  for (const c of site.contents) {
    const id = str(c, 'id');
    server.route('GET', `/rest/api/content/${id}`, (req) => {
      const n = req.query.get('version') ?? '';
      const version = site.versions[id]?.[n];
      const value = site.bodies[id]?.[n];
      if (!version || value === undefined)
        return {
          status: 404,
          json: { statusCode: 404, message: 'No content found with id', reason: 'Not Found' },
        };
      return {
        json: {
          ...c,
          status: req.query.get('status') === 'historical' ? 'historical' : str(c, 'status'),
          version,
          body: { storage: { value, representation: 'storage' } },
        },
      };
    });
  }
}
