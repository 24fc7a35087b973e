import { z } from 'zod';
import { MileageError } from '../../domain/errors.js';
import { usd } from '../../domain/money.js';
import { parseCursorDailyUsage, parseCursorMembers } from '../../sources/spend/cursor/admin.js';
import { parseCursorUsageEvents } from '../../sources/spend/cursor/parse.js';
import { defineConnector } from '../base.js';
import { apiRoot, baseFields } from '../config.js';
import type { HttpClient } from '../http/client.js';
import { describeEndpoint } from '../http/redact.js';
import { phasedPages, type Phase } from '../phases.js';
import { newest, type SyncPage } from '../sync/connector.js';

export const CURSOR_API = 'https://api.cursor.com';

const price = z.union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?$/)], {
  error: 'expected USD per month, such as 40',
});

export const cursorSettingsSchema = z.strictObject({
  ...baseFields,
  /** The team in stream names (`cursor:<team>`, usage-based requests); default: the org in mileage.yaml. */
  team: z.string().min(1).optional(),
  /** USD per seat per month: Cursor's API lists members but no prices. Without it seats are unpriced. */
  seat_price: price.optional(),
  /** The plan's name on the seats (e.g. business, teams). */
  seat_plan: z.string().min(1).optional(),
});

/** Daily usage accepts at most 90 days a request (some wrappers report 30): ask for 30. */
const DAILY_CHUNK_MS = 30 * 86_400_000;
const eventsPage = z.object({
  pagination: z.object({ hasNextPage: z.boolean(), currentPage: z.number().int().optional() }).optional(),
  usageEvents: z.array(z.unknown()),
});

/** POST a JSON body; the answer must be an object or it is an upstream error naming the endpoint. */
async function post(http: HttpClient, url: URL, body: unknown, signal?: AbortSignal): Promise<unknown> {
  const res = await http.postJson(url, body, signal);
  if (res.body === null || typeof res.body !== 'object')
    throw new MileageError('upstream', `${describeEndpoint('POST', url)}: expected a JSON object`);
  return res.body;
}

/**
 * Cursor Admin API (`type: cursor-admin`, Basic auth with the key as user): members → seats (priced from
 * `seat_price`, with the cycle's spend per member), filtered usage events (tokens and Cursor's cents per
 * request, provider_reported: included requests allocate the person's seat, usage-based ones are the team
 * stream `cursor:<team>`), and daily usage → the days each person was active.
 */
export const createCursorAdminConnector = defineConnector({
  type: 'cursor-admin',
  schema: cursorSettingsSchema,
  // Cursor aggregates hourly: re-read the last two hours (events keep their natural-key ids).
  overlapMinutes: 120,
  auth: (key, s) => {
    const basic = Buffer.from(`${key}:`).toString('base64');
    return {
      header: 'authorization',
      value: `Basic ${basic}`,
      secrets: [basic],
      hint: `the admin key in $${s.token_env}`,
    };
  },
  pages: ({ settings: s, http, deps, source }) => {
    const root = apiRoot(s.base_url ?? CURSOR_API);
    const team = s.team ?? deps.org ?? source.name;
    const at = (path: string) => new URL(`${root}${path}`);
    const pageSize = s.page_size ?? 100;

    const seats: Phase = {
      name: 'members',
      async *pages(from, signal): AsyncIterable<SyncPage> {
        const membersUrl = at('/teams/members');
        const members = (await http.getJson(membersUrl, signal)).body;
        const spendUrl = at('/teams/spend');
        const spend: { body: unknown; file: string }[] = [];
        for (let page = 1, pages = 1; page <= pages; page++) {
          const body = await post(http, spendUrl, { page, pageSize }, signal);
          spend.push({ body, file: `${spendUrl.host}${spendUrl.pathname} page ${page}` });
          pages = z.object({ totalPages: z.number().int() }).safeParse(body).data?.totalPages ?? 1;
        }
        const parsed = parseCursorMembers(
          members,
          spend,
          {
            price: s.seat_price === undefined ? null : usd(s.seat_price),
            plan: s.seat_plan ?? null,
            today: from.until.toISOString().slice(0, 10),
          },
          `${membersUrl.host}${membersUrl.pathname}`,
        );
        yield { seats: parsed.records, problems: parsed.problems, next: null, high: null };
      },
    };

    const events: Phase = {
      name: 'usage-events',
      async *pages(from, signal): AsyncIterable<SyncPage> {
        const url = at('/teams/filtered-usage-events');
        const file = `${url.host}${url.pathname}`;
        for (let page = Number(from.position ?? 1); ; page++) {
          const body = await post(
            http,
            url,
            { startDate: from.since?.getTime() ?? 0, endDate: from.until.getTime(), page, pageSize },
            signal,
          );
          const shape = eventsPage.safeParse(body).data;
          if (!shape)
            throw new MileageError(
              'upstream',
              `${describeEndpoint('POST', url)}: expected a usage events page`,
            );
          const parsed = parseCursorUsageEvents(body, { file: `${file} page ${page}`, team });
          const next =
            shape.pagination?.hasNextPage === true && shape.usageEvents.length > 0 ? String(page + 1) : null;
          const high = newest(parsed.records.map((r) => r.start.toISOString()));
          yield { usage: parsed.records, problems: parsed.problems, next, high };
          if (next === null) return;
        }
      },
    };

    const daily: Phase = {
      name: 'daily-usage',
      async *pages(from, signal): AsyncIterable<SyncPage> {
        const url = at('/teams/daily-usage-data');
        const end = from.until.getTime();
        for (
          let start = Number(from.position ?? from.since?.getTime() ?? end - DAILY_CHUNK_MS);
          start < end;
        ) {
          const stop = Math.min(start + DAILY_CHUNK_MS, end);
          const body = await post(http, url, { startDate: start, endDate: stop }, signal);
          const parsed = parseCursorDailyUsage(body, `${url.host}${url.pathname}`);
          yield {
            activity: parsed.records,
            problems: parsed.problems,
            next: stop < end ? String(stop) : null,
            high: null,
          };
          start = stop;
        }
      },
    };

    return phasedPages([seats, events, daily], deps.now);
  },
});
