import { z } from 'zod';
import { MileageError } from '../../domain/errors.js';
import { usd, type Usd } from '../../domain/money.js';
import {
  parseCopilotPremiumUsage,
  parseCopilotSeats,
  parseCopilotUserMetrics,
  reportLinksSchema,
  seatsPageSchema,
} from '../../sources/spend/copilot/parse.js';
import { defineConnector } from '../base.js';
import { apiRoot, baseFields } from '../config.js';
import { nextPageNumber } from '../http/pagination.js';
import { describeEndpoint } from '../http/redact.js';
import { phasedPages, utcDays, type Phase } from '../phases.js';
import type { SyncPage } from '../sync/connector.js';

export const GITHUB_API = 'https://api.github.com';
/** Usage metrics reports exist from this day, and at most a year back (reference §7.1). */
const REPORTS_FROM = '2025-10-10';
const REPORTS_KEPT_DAYS = 365;

const price = z.union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?$/)], {
  error: 'expected USD per month, such as 19',
});

export const copilotSettingsSchema = z.strictObject({
  ...baseFields,
  /** The GitHub organisation. */
  org: z.string().regex(/^[\w.-]+$/, 'expected an organisation login such as acme'),
  /** USD per seat per month by plan (`business: 19`, `enterprise: 39`): the seats API has no prices. */
  seat_prices: z.record(z.string(), price).optional(),
  /** Read the users' daily usage-metrics reports (default true): the days each seat was used. */
  usage_reports: z.boolean().default(true),
  /** Read premium-request billing (default true): billed dollars beyond what the plans include. */
  premium_requests: z.boolean().default(true),
});

const dayPosition = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * GitHub Copilot (`type: copilot`): seats (one per assignee, priced per plan from `seat_prices`, with the
 * last activity GitHub saw), the users' daily usage-metrics reports (signed NDJSON links, fetched without
 * the token) → the days each person used Copilot, and premium-request billing (billed, `copilot:<org>`).
 */
export const createCopilotConnector = defineConnector({
  type: 'copilot',
  schema: copilotSettingsSchema,
  // Reports and billing settle within a day or two: re-read the last two days.
  overlapMinutes: 2 * 24 * 60,
  auth: (token, s) => ({
    header: 'authorization',
    value: `Bearer ${token}`,
    hint: `the token in $${s.token_env}`,
  }),
  client: () => ({
    headers: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
  }),
  pages: ({ settings: s, http, deps }) => {
    const root = apiRoot(s.base_url ?? GITHUB_API);
    const prices: Record<string, Usd> = Object.fromEntries(
      Object.entries(s.seat_prices ?? {}).map(([plan, p]) => [plan, usd(p)]),
    );
    const perPage = s.page_size ?? 100;

    const seats: Phase = {
      name: 'seats',
      async *pages(from, signal): AsyncIterable<SyncPage> {
        for (let page = Number(from.position ?? 1); ;) {
          const url = new URL(`${root}/orgs/${s.org}/copilot/billing/seats`);
          url.searchParams.set('per_page', String(perPage));
          url.searchParams.set('page', String(page));
          const res = await http.getJson(url, signal);
          // A body that is no seat page at all fails the sync, naming the request: kept as a mere problem,
          // the sync would go on as if the page held no seats.
          if (!seatsPageSchema.safeParse(res.body).success)
            throw new MileageError(
              'upstream',
              `${describeEndpoint('GET', url)}: expected a seat page ({total_seats, seats: [...]})`,
            );
          const parsed = parseCopilotSeats(res.body, {
            file: `${url.host}${url.pathname} page ${page}`,
            prices,
          });
          const next = nextPageNumber(res.headers);
          yield {
            seats: parsed.records,
            problems: parsed.problems,
            next: next === null ? null : String(next),
            high: null,
          };
          if (next === null) return;
          page = next;
        }
      },
    };

    /** Day by day, from a stored day when resuming; each day is one page. */
    function daily(
      name: string,
      first: string,
      last: Date,
      read: (day: string, signal?: AbortSignal) => Promise<Omit<SyncPage, 'next'>>,
    ): Phase {
      return {
        name,
        async *pages(from, signal): AsyncIterable<SyncPage> {
          const all = utcDays(from.since ?? from.until, last).filter((d) => d >= first);
          const resume = dayPosition.safeParse(from.position).data;
          const days = resume ? all.filter((d) => d >= resume) : all;
          for (const [i, day] of days.entries()) {
            const page = await read(day, signal);
            yield { ...page, next: days[i + 1] ?? null };
          }
        },
      };
    }

    const phases: Phase[] = [seats];
    if (s.usage_reports) {
      const oldest = new Date(deps.now() - REPORTS_KEPT_DAYS * 86_400_000).toISOString().slice(0, 10);
      phases.push({
        name: 'usage-reports',
        // A day's report exists once the day is over: up to yesterday.
        pages: (from, signal) =>
          daily(
            'usage-reports',
            oldest > REPORTS_FROM ? oldest : REPORTS_FROM,
            new Date(from.until.getTime() - 86_400_000),
            async (day, sig) => {
              const url = new URL(`${root}/orgs/${s.org}/copilot/metrics/reports/users-1-day`);
              url.searchParams.set('day', day);
              const res = await http.requestJson({ url, signal: sig, allowStatus: [404] });
              if (res.status === 404) return { activity: [], problems: [], high: null };
              const links = reportLinksSchema.safeParse(res.body).data;
              if (!links)
                throw new MileageError(
                  'upstream',
                  `${describeEndpoint('GET', url)}: expected {download_links: [...]}`,
                );
              const page: Omit<SyncPage, 'next'> = {
                activity: [],
                problems: [],
                high: new Date(`${day}T00:00:00Z`),
              };
              for (const [n, link] of links.download_links.entries()) {
                // Signed links on another host: never send them the token.
                const file = await http.getText(new URL(link), { signal: sig, omitAuth: true });
                const parsed = parseCopilotUserMetrics(file.text, `users-1-day ${day} file ${n + 1}`);
                page.activity?.push(...parsed.records);
                page.problems.push(...parsed.problems);
              }
              return page;
            },
          ).pages(from, signal),
      });
    }
    if (s.premium_requests) {
      phases.push({
        name: 'premium-requests',
        pages: (from, signal) =>
          daily('premium-requests', '0000-00-00', from.until, async (day, sig) => {
            const url = new URL(`${root}/organizations/${s.org}/settings/billing/premium_request/usage`);
            const [year, month, dd] = day.split('-');
            url.searchParams.set('year', String(Number(year)));
            url.searchParams.set('month', String(Number(month)));
            url.searchParams.set('day', String(Number(dd)));
            const res = await http.getJson(url, sig);
            const parsed = parseCopilotPremiumUsage(res.body, {
              file: `${url.host}${url.pathname} ${day}`,
              org: s.org,
              day,
            });
            return { usage: parsed.records, problems: parsed.problems, high: new Date(`${day}T00:00:00Z`) };
          }).pages(from, signal),
      });
    }
    return phasedPages(phases, deps.now);
  },
});
