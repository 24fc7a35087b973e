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
