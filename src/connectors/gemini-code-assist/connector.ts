import { z } from 'zod';
import { usd } from '../../domain/money.js';
import {
  activityOfDay,
  countLogEntries,
  entriesPageSchema,
  licensePageSchema,
  parseLicensedUsers,
  parseResponseSeries,
  RESOURCE_TYPE,
  RESPONSE_COUNT,
  timeSeriesPageSchema,
} from '../../sources/spend/gemini-code-assist/parse.js';
import { defineConnector } from '../base.js';
import { apiRoot, baseFields } from '../config.js';
import { cursorPages, expectPage } from '../cursor-pages.js';
import { readGoogleCredentials } from '../google/credentials.js';
import { GoogleTokens } from '../google/tokens.js';
import { floorUtc, phasedPages, utcDays, type Phase } from '../phases.js';
import type { SyncPage } from '../sync/connector.js';

const API = {
  monitoring: 'https://monitoring.googleapis.com',
  logging: 'https://logging.googleapis.com',
  procurement: 'https://cloudcommerceconsumerprocurement.googleapis.com',
} as const;
/** Read-only scopes: Monitoring's and Logging's data, and the billing account's licence pool. */
const SCOPES = [
  'https://www.googleapis.com/auth/monitoring.read',
  'https://www.googleapis.com/auth/logging.read',
  'https://www.googleapis.com/auth/cloud-billing.readonly',
];
/** Prompt and response logs hold content: never asked for, and no payload is ever requested (`fields`). */
const METADATA_FILTER = [
  `resource.type=${JSON.stringify(RESOURCE_TYPE)}`,
  'labels.product="code assist"',
  'NOT jsonPayload.@type="type.googleapis.com/google.cloud.cloudaicompanion.logging.v1.RequestLog"',
  'NOT jsonPayload.@type="type.googleapis.com/google.cloud.cloudaicompanion.logging.v1.ResponseLog"',
].join(' AND ');

/** A value in a Google API filter: a double-quoted string with backslash escapes, as JSON writes one. */
const quoted = (value: string): string => JSON.stringify(value);

const id = z
  .string()
  .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'expected a Google Cloud project id such as acme-web');
const price = z.union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?$/)], {
  error: 'expected USD per month, such as 19',
});

export const geminiSettingsSchema = z.strictObject({
  ...baseFields,
  /** The projects whose Gemini Code Assist usage Cloud Monitoring reports, each with the team it belongs to. */
  projects: z
    .array(z.strictObject({ id, team: z.string().min(1).optional() }))
    .min(1, 'expected at least one project'),
  /** The subscription's licence pool (Admin for Gemini → the billing account and the order). */
  licenses: z
    .strictObject({
      billing_account: z
        .string()
        .regex(/^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/, 'expected 012345-6789AB-CDEF01'),
      order: z.string().regex(/^[\w-]+$/, 'expected the order id'),
    })
    .optional(),
  /** The subscription's edition: the seats' plan. */
  edition: z
    .enum(['standard', 'enterprise'], { error: 'expected standard or enterprise' })
    .default('standard'),
  /** USD per licence per month by edition: the licence pool has no prices. */
  seat_prices: z.record(z.string(), price).optional(),
  /** Read Cloud Logging's metadata logs per user (where the organisation turned them on). */
  logging: z.boolean().default(false),
  /** The project holding the logs when they are centralised (multi-project logging); default each project. */
  logging_project: id.optional(),
  /** The account in the stream name (`gemini-code-assist:<account>`); default the org's name. */
  account: z.string().min(1).optional(),
});

const pageToken = z.object({ token: z.string() });

/**
 * Gemini Code Assist Standard and Enterprise (`type: gemini-code-assist`): licences from the subscription's
 * licence pool as seats (`seat:gemini-code-assist:<person>` cells, priced per edition), responses per project
 * and day from Cloud Monitoring (the project's team; $0 beyond the licences), and, where the organisation
 * enabled metadata logging, each person's active days from Cloud Logging. A service account (or any Google
 * credentials) in the variable `token_env` names.
 */
export const createGeminiCodeAssistConnector = defineConnector({
  type: 'gemini-code-assist',
  schema: geminiSettingsSchema,
  // Monitoring points and log entries of the last day may still arrive: re-read it.
  overlapMinutes: 24 * 60,
  // The header carries a token minted from the credentials per request (google/tokens.ts).
  auth: () => null,
  pages: ({ settings: s, secret, http, deps, source }) => {
    const root = (api: keyof typeof API) => apiRoot(s.base_url ?? API[api]);
    const creds = readGoogleCredentials(secret, `sources.${source.name}.token_env ($${s.token_env})`);
    const tokens = new GoogleTokens(creds, http, SCOPES, deps.now);
    const stream = `gemini-code-assist:${s.account ?? deps.org ?? 'default'}`;
    const perPage = s.page_size ?? 100;
    const phases: Phase[] = [];

    if (s.licenses) {
      const { billing_account: ba, order } = s.licenses;
      const plan = s.seat_prices?.[s.edition];
      phases.push({
        name: 'licenses',
        pages: (from, signal) =>
          cursorPages({
            position: pageToken,
            start: () => ({ token: '' }),
            read: async (at) => {
              const url = new URL(
                `${root('procurement')}/v1/billingAccounts/${ba}/orders/${order}/licensePool:enumerateLicensedUsers`,
              );
              url.searchParams.set('pageSize', String(perPage));
              if (at.token) url.searchParams.set('pageToken', at.token);
              const res = await http.requestJson({ url, signal, headers: await tokens.header(signal) });
              const page = expectPage(
                licensePageSchema,
                res.body,
                'GET',
                url,
                'a licence page ({licensedUsers})',
              );
              const parsed = parseLicensedUsers(page, {
                file: `${url.host}${url.pathname}`,
                edition: s.edition,
                price: plan === undefined ? null : usd(plan),
              });
              return {
                seats: parsed.records,
                problems: parsed.problems,
                high: null,
                next: page.nextPageToken ? { token: page.nextPageToken } : null,
              };
            },
          })({ position: from.position }, signal),
      });
    }

    for (const project of s.projects) {
      phases.push({
        name: `monitoring:${project.id}`,
        pages: (from, signal) => {
          // Whole UTC days only: the last one is re-read by the next run's overlap.
          const start = floorUtc(from.since ?? new Date(deps.now() - 30 * 86_400_000), 'day');
          const end = floorUtc(from.until, 'day');
          if (end <= start) return (async function* () {})();
          return cursorPages({
            position: pageToken,
            start: () => ({ token: '' }),
            read: async (at) => {
              const url = new URL(`${root('monitoring')}/v3/projects/${project.id}/timeSeries`);
              const q = url.searchParams;
              q.set(
                'filter',
                `metric.type=${quoted(RESPONSE_COUNT)} AND resource.type=${quoted(RESOURCE_TYPE)}`,
              );
              q.set('interval.startTime', start.toISOString());
              q.set('interval.endTime', end.toISOString());
              q.set('aggregation.alignmentPeriod', '86400s');
              q.set('aggregation.perSeriesAligner', 'ALIGN_SUM');
              q.set('aggregation.crossSeriesReducer', 'REDUCE_SUM');
              q.set('aggregation.groupByFields', 'metric.label.method');
              q.set('pageSize', String(perPage));
              if (at.token) q.set('pageToken', at.token);
              const res = await http.requestJson({ url, signal, headers: await tokens.header(signal) });
              const page = expectPage(
                timeSeriesPageSchema,
                res.body,
                'GET',
                url,
                'a time series page ({timeSeries})',
              );
              const parsed = parseResponseSeries(page, {
                file: `${url.host}${url.pathname}`,
                project: project.id,
                team: project.team ?? null,
                stream,
              });
              let high: Date | null = null;
              for (const r of parsed.records) if (high === null || r.start > high) high = r.start;
              return {
                usage: parsed.records,
                problems: parsed.problems,
                high,
                next: page.nextPageToken ? { token: page.nextPageToken } : null,
              };
            },
          })({ position: from.position }, signal);
        },
      });
    }

    if (s.logging) {
      const logProjects = s.logging_project ? [s.logging_project] : s.projects.map((p) => p.id);
      phases.push({
        name: 'logging',
        async *pages(from, signal): AsyncIterable<SyncPage> {
          // One day is one page for the runner: the day's entries, however many requests they take, are
          // counted together, so a resumed run starts that day again and never counts half of it twice.
          const days = utcDays(from.since ?? from.until, from.until);
          const resume = z
            .string()
            .regex(/^\d{4}-\d{2}-\d{2}$/)
            .safeParse(from.position).data;
          const todo = resume ? days.filter((d) => d >= resume) : days;
          for (const [i, day] of todo.entries()) {
            const counts = new Map<string, number>();
            const problems: SyncPage['problems'] = [];
            const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();
            for (let token = ''; ;) {
              const url = new URL(`${root('logging')}/v2/entries:list`);
              url.searchParams.set('fields', 'entries(insertId,timestamp,labels),nextPageToken');
              const res = await http.requestJson({
                method: 'POST',
                url,
                signal,
                headers: await tokens.header(signal),
                json: {
                  resourceNames: logProjects.map((p) => `projects/${p}`),
                  filter: `${METADATA_FILTER} AND timestamp>=${quoted(`${day}T00:00:00Z`)} AND timestamp<${quoted(next)}`,
                  orderBy: 'timestamp asc',
                  pageSize: Math.max(perPage, 1000),
                  ...(token ? { pageToken: token } : {}),
                },
              });
              const page = expectPage(
                entriesPageSchema,
                res.body,
                'POST',
                url,
                'a log entries page ({entries})',
              );
              problems.push(...countLogEntries(page, `${url.host}${url.pathname} ${day}`, counts).problems);
              if (!page.nextPageToken) break;
              token = page.nextPageToken;
            }
            yield {
              activity: activityOfDay(day, counts),
              problems,
              high: new Date(`${day}T00:00:00Z`),
              next: todo[i + 1] ?? null,
            };
          }
        },
      });
    }
    return phasedPages(phases, deps.now);
  },
});
