import { z } from 'zod';
import { identityHash } from '../../domain/ids.js';
import {
  EVENT_FIELDS,
  eventsPageSchema,
  parseCalendarEvents,
} from '../../sources/capacity/google-calendar/parse.js';
import { defineConnector } from '../base.js';
import { apiRoot, baseFields, initialSince } from '../config.js';
import { cursorPages, expectPage } from '../cursor-pages.js';
import { readGoogleCredentials, type GoogleCredentials } from '../google/credentials.js';
import { GoogleTokens } from '../google/tokens.js';
import { readSecret } from '../http/secrets.js';
import { phasedPages, type Phase } from '../phases.js';

const CALENDAR_API = 'https://www.googleapis.com';
/** Events read-only: the narrowest scope that tells an event's type (free/busy alone does not). */
const SCOPES = ['https://www.googleapis.com/auth/calendar.events.readonly'];

const email = z.email({ error: 'expected an email address such as ana@acme.com' });
const envName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected the name of an environment variable');

export const calendarSettingsSchema = z.strictObject({
  ...baseFields,
  /**
   * Whose calendars to read: an email each (read through the service account in `token_env`, acting as that
   * person by domain-wide delegation), or `{email, token_env}` for a person who granted access by OAuth.
   */
  people: z
    .array(z.union([email, z.strictObject({ email, token_env: envName })]))
    .min(1, 'expected at least one person'),
  /** How far ahead of today absences are read (planned leave). */
  horizon_days: z.number().int().min(0).max(366).default(90),
});

/**
 * Google Calendar as capacity (`type: google-calendar`): each person's out-of-office events and all-day busy
 * events, as absence days. Asks events.list for ids, status, type, busy/free and times only (`fields`), so no
 * title, description, location or attendee ever reaches Mileage. Cancelled events come back as such
 * (`showDeleted`) and remove their days; later syncs ask only for events changed since (`updatedMin`).
 */
export const createGoogleCalendarConnector = defineConnector({
  type: 'google-calendar',
  schema: calendarSettingsSchema,
  // Events edited around the last sync are read again: a day's overlap.
  overlapMinutes: 24 * 60,
  auth: () => null,
  pages: ({ settings: s, secret, http, deps, source }) => {
    const root = apiRoot(s.base_url ?? CALENDAR_API);
    const shared = readGoogleCredentials(secret, `sources.${source.name}.token_env ($${s.token_env})`);
    const delegated = new GoogleTokens(shared, http, SCOPES, deps.now);
    const first = initialSince(s, deps.now());
    const phases: Phase[] = s.people.map((p, i) => {
      const calendar = typeof p === 'string' ? p : p.email;
      // A person's own OAuth grant, else the service account acting as them (domain-wide delegation).
      let own: GoogleTokens | null = null;
      if (typeof p !== 'string') {
        const where = `sources.${source.name}.people[${i}].token_env ($${p.token_env})`;
        const creds: GoogleCredentials = readGoogleCredentials(
          readSecret(deps.env, p.token_env, source.name, `people[${i}].token_env`),
          where,
        );
        own = new GoogleTokens(creds, http, SCOPES, deps.now);
      }
      const header = (signal?: AbortSignal) =>
        own
          ? own.header(signal)
          : delegated.header(signal, shared.kind === 'service_account' ? calendar : undefined);
      return {
        // Named by a hash: the stored position holds no email.
        name: `calendar:${identityHash(calendar).slice(0, 12)}`,
        pages: (from, signal) =>
          cursorPages({
            position: z.object({ token: z.string() }),
            start: () => ({ token: '' }),
            read: async (at) => {
              const url = new URL(`${root}/calendar/v3/calendars/${encodeURIComponent(calendar)}/events`);
              const q = url.searchParams;
              q.set('singleEvents', 'true');
              q.set('showDeleted', 'true');
              q.set('timeMin', first.toISOString());
              q.set('timeMax', new Date(from.until.getTime() + s.horizon_days * 86_400_000).toISOString());
              // A first sync reads the whole window; later ones what changed since the last (less the overlap).
              if (from.since !== null && from.since > first) q.set('updatedMin', from.since.toISOString());
              q.set('maxResults', String(s.page_size ?? 250));
              q.set('fields', EVENT_FIELDS);
              if (at.token) q.set('pageToken', at.token);
              const res = await http.requestJson({ url, signal, headers: await header(signal) });
              const page = expectPage(eventsPageSchema, res.body, 'GET', url, 'an events page ({items})');
              const parsed = parseCalendarEvents(page, {
                file: `${url.host}/calendar/v3/calendars/${calendar.replace(/^.*@/, '…@')}/events`,
                calendar,
              });
              return {
                absences: parsed.records,
                problems: parsed.problems,
                // Events are asked for by when they changed: the run's start is the watermark, so the next run
                // asks for what changed since (an absence planted months ago for next month is read once).
                high: from.until,
                next: page.nextPageToken ? { token: page.nextPageToken } : null,
              };
            },
          })({ position: from.position }, signal),
      };
    });
    return phasedPages(phases, deps.now);
  },
});
