import { createVerify, generateKeyPairSync } from 'node:crypto';
import type { Db } from '../../src/store/db.js';
import { fixture } from './apis.js';
import type { ReplayServer, SeenRequest } from './replay-server.js';

/**
 * Google's APIs replayed for connector tests: the OAuth token endpoint (a service account's JWT is verified
 * against the key's public half, as Google does), Monitoring's timeSeries.list, Logging's entries.list, the
 * licence pool, and Calendar's events.list — each paging by `nextPageToken` as the real ones do.
 */
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** A service account key file as the console downloads it, pointing its token_uri at the replay server. */
export function serviceAccountKey(
  serverUrl: string,
  email = 'mileage-reader@acme-ops.iam.gserviceaccount.com',
) {
  return JSON.stringify({
    type: 'service_account',
    project_id: 'acme-ops',
    private_key_id: '5b2f6c1d0e9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: email,
    client_id: '104467890123456789012',
    token_uri: `${serverUrl}/token`,
  });
}

export const ACCESS_TOKEN = 'ya29.a0AfH6SMBreplayAccessToken000';

/** The claims of a verified JWT assertion, or null when its signature does not verify. */
export function verifiedClaims(assertion: string): Record<string, unknown> | null {
  const [h, c, s] = assertion.split('.');
  if (!h || !c || !s) return null;
  const ok = createVerify('RSA-SHA256').update(`${h}.${c}`).verify(publicKey, Buffer.from(s, 'base64url'));
  return ok ? (JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as Record<string, unknown>) : null;
}

/** The token endpoint: an access token per verified assertion (per `sub` for domain-wide delegation). */
export function tokenRoute(server: ReplayServer): void {
  server.route('POST', '/token', (req) => {
    const form = new URLSearchParams(req.text);
    const claims = verifiedClaims(form.get('assertion') ?? '');
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' || claims === null)
      return { status: 400, json: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } };
    const sub = typeof claims.sub === 'string' ? `.${Buffer.from(claims.sub).toString('hex')}` : '';
    return { json: { access_token: `${ACCESS_TOKEN}${sub}`, expires_in: 3599, token_type: 'Bearer' } };
  });
}

/** Whether a request carried a token the replay server minted. */
export const authorised = (req: SeenRequest): boolean =>
  String(req.headers.authorization ?? '').startsWith(`Bearer ${ACCESS_TOKEN}`);

const unauthorised = { status: 401, json: { error: { code: 401, status: 'UNAUTHENTICATED' } } };

type Page = { timeSeries?: { metric: { type: string } }[]; nextPageToken?: string };

/** Gemini Code Assist's three APIs over the fixtures (test/fixtures/gemini-code-assist/README.md). */
export function geminiApis(server: ReplayServer, project = 'acme-web'): void {
  tokenRoute(server);
  const licences = fixture<{ licensedUsers: unknown[] }>('gemini-code-assist/licensed-users.json');
  server.route(
    'GET',
    '/v1/billingAccounts/012345-6789AB-CDEF01/orders/ord-1/licensePool:enumerateLicensedUsers',
    (req) => {
      if (!authorised(req)) return unauthorised;
      const at = Number(req.query.get('pageToken') ?? 0);
      const size = Number(req.query.get('pageSize') ?? 100);
      const users = licences.licensedUsers.slice(at, at + size);
      const next = at + size < licences.licensedUsers.length ? String(at + size) : undefined;
      return { json: { licensedUsers: users, ...(next ? { nextPageToken: next } : {}) } };
    },
  );
  // Each metric type's pages, as the filter's `metric.type="…"` selects them (one type a request, as the API asks).
  const answers = [
    ...fixture<Page[]>('gemini-code-assist/time-series.json'),
    ...fixture<Page[]>('gemini-code-assist/active-users.json'),
  ];
  server.route('GET', `/v3/projects/${project}/timeSeries`, (req) => {
    if (!authorised(req)) return unauthorised;
    const type = /metric\.type="([^"]+)"/.exec(req.query.get('filter') ?? '')?.[1];
    const pages = answers.filter((p) => p.timeSeries?.[0]?.metric.type === type);
    const token = req.query.get('pageToken');
    const index =
      token === null ? 0 : pages.findIndex((p, i) => i > 0 && pages[i - 1]?.nextPageToken === token);
    return { json: pages[index] ?? {} };
  });
  const entries = fixture<{ timestamp: string }[]>('gemini-code-assist/log-entries.json');
  server.route('POST', '/v2/entries:list', (req) => {
    if (!authorised(req)) return unauthorised;
    const body = req.json as { filter: string; pageToken?: string };
    const from = /timestamp>="([^"]+)"/.exec(body.filter)?.[1] ?? '';
    const to = /timestamp<"([^"]+)"/.exec(body.filter)?.[1] ?? '9999';
    const matching = entries.filter((e) => e.timestamp >= from && e.timestamp < to);
    // Two entries a page, whatever pageSize asks: the API may answer with fewer.
    const at = Number(body.pageToken ?? 0);
    const next = at + 2 < matching.length ? String(at + 2) : undefined;
    return {
      json: matching.length
        ? { entries: matching.slice(at, at + 2), ...(next ? { nextPageToken: next } : {}) }
        : {},
    };
  });
}

type CalendarEvent = Record<string, unknown> & { id: string; updated?: string };
/** The fields events.list returns under Mileage's mask (sources/capacity/google-calendar/parse.ts EVENT_FIELDS). */
const MASKED = ['id', 'status', 'eventType', 'transparency', 'start', 'end', 'updated'];

/**
 * Calendar's events.list per calendar: `maxResults` a page, `updatedMin` honoured, and the `fields` mask applied
 * as Google applies it — an answer never carries a field the mask does not name. `calendars` may be changed
 * between syncs (an event moved or cancelled).
 */
export function calendarApis(server: ReplayServer, calendars: Record<string, CalendarEvent[]>): void {
  tokenRoute(server);
  for (const email of Object.keys(calendars)) {
    server.route('GET', `/calendar/v3/calendars/${encodeURIComponent(email)}/events`, (req) => {
      if (!authorised(req)) return unauthorised;
      const fields = req.query.get('fields') ?? '';
      const keep = /^items\(([^)]*)\)/.exec(fields)?.[1]?.split(',') ?? null;
      const since = req.query.get('updatedMin');
      const events = (calendars[email] ?? []).filter((e) => !since || (e.updated ?? '') >= since);
      const size = Number(req.query.get('maxResults') ?? 250);
      const at = Number(req.query.get('pageToken') ?? 0);
      const items = events
        .slice(at, at + size)
        .map((e) => (keep ? Object.fromEntries(Object.entries(e).filter(([k]) => keep.includes(k))) : e));
      const next = at + size < events.length ? String(at + size) : undefined;
      return {
        json: {
          ...(keep ? {} : { kind: 'calendar#events', summary: email, timeZone: 'America/New_York' }),
          items,
          ...(next ? { nextPageToken: next } : {}),
        },
      };
    });
  }
}

export { MASKED as CALENDAR_FIELDS };

/** Every stored absence day, comparable across stores. */
export async function storedAbsences(db: Db) {
  return db.query(
    'SELECT id, event_key, source, actor_hash, CAST(day AS VARCHAR) AS day, kind, fraction FROM absence_days ORDER BY id',
  );
}
