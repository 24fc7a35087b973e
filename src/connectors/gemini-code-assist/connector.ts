import { z } from 'zod';
import { usd } from '../../domain/money.js';
import {
  ACTIVE_USER_METRICS,
  activityOf,
  CODE_ASSIST_PRODUCT,
  CONTENT_LOG_TYPES,
  countLogEntries,
  entriesPageSchema,
  licensePageSchema,
  parseLicensedUsers,
  parseTimeSeriesPage,
  RESOURCE_TYPE,
  RESPONSE_COUNT,
  timeSeriesPageSchema,
  type EntryCounts,
} from '../../sources/spend/gemini-code-assist/parse.js';
import { defineConnector } from '../base.js';
import { apiRoot, baseFields } from '../config.js';
import { cursorPages, expectPage } from '../cursor-pages.js';
import { readGoogleCredentials } from '../google/credentials.js';
import { GoogleTokens } from '../google/tokens.js';
import { floorUtc, phasedPages, utcDays, type Phase } from '../phases.js';
import type { SyncPage } from '../sync/connector.js';
import { exportPages } from './export.js';

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
  `labels.product=${JSON.stringify(CODE_ASSIST_PRODUCT)}`,
  ...CONTENT_LOG_TYPES.map((t) => `NOT jsonPayload.@type=${JSON.stringify(t)}`),
].join(' AND ');

/** A value in a Google API filter: a double-quoted string with backslash escapes, as JSON writes one. */
const quoted = (value: string): string => JSON.stringify(value);

const id = z
  .string()
  .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'expected a Google Cloud project id such as acme-web');
const price = z.union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?$/)], {
  error: 'expected USD per month, such as 19',
});

const paths = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
  error: 'expected a file or folder, or a list of them',
});

export const geminiSettingsSchema = z
  .strictObject({
    ...baseFields,
    /** The service account's key (or a key file's path, or an access token); not needed with `export`. */
    token_env: baseFields.token_env.optional(),
    /**
     * Saved exports to read instead of the APIs (files, or folders of `*.json`): Monitoring's timeSeries.list
     * answers, Logging's entries (`gcloud logging read --format=json`) and the licence pool's answer, each told by
     * its shape (export.ts).
     */
    export: paths.optional(),
    /**
     * The projects whose Gemini Code Assist usage Cloud Monitoring reports, each with the team it belongs to. With
     * `export`, the teams of the projects the export names (a project not listed has no team).
     */
    projects: z
      .array(
        z.strictObject({ id: z.union([id, z.string().regex(/^\d+$/)]), team: z.string().min(1).optional() }),
      )
      .min(1, 'expected at least one project')
      .optional(),
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
  })
  .superRefine((s, ctx) => {
    if (s.export !== undefined) {
      // Settings of the API path would be silently ignored: say so instead.
      for (const field of ['licenses', 'logging_project', 'base_url'] as const)
        if (s[field] !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `not read with export: (the licence answers, log entries and series come from the files)`,
          });
      if (s.logging)
        ctx.addIssue({
          code: 'custom',
          path: ['logging'],
          message: 'not read with export: log entries in the exported files are always counted',
        });
      return;
    }
    if (s.token_env === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['token_env'],
        message: 'expected the variable holding the service account key (or `export:` saved files)',
      });
    if (s.projects === undefined)
      ctx.addIssue({ code: 'custom', path: ['projects'], message: 'expected at least one project' });
  });

const pageToken = z.object({ token: z.string() });

/**
 * Gemini Code Assist Standard and Enterprise (`type: gemini-code-assist`): licences from the subscription's
 * licence pool as seats (`seat:gemini-code-assist:<person>` cells, priced per edition), responses and active
 * users per project and day from Cloud Monitoring (the project's team; $0 beyond the licences), and, where the
 * organisation enabled metadata logging, each person's active days from Cloud Logging. Through the APIs with a
 * service account (or any Google credentials) in the variable `token_env` names, or from saved exports
 * (`export:`) read with the same mapping.
 */
export const createGeminiCodeAssistConnector = defineConnector({
  type: 'gemini-code-assist',
  schema: geminiSettingsSchema,
  // Monitoring points and log entries of the last day may still arrive: re-read it.
  overlapMinutes: 24 * 60,
  // Saved exports need no credentials.
  secretField: (s) => (s.export === undefined ? 'token_env' : null),
  // The header carries a token minted from the credentials per request (google/tokens.ts).
  auth: () => null,
  pages: ({ settings: s, secret, http, deps, source }) => {
    const stream = `gemini-code-assist:${s.account ?? deps.org ?? 'default'}`;
    const teams = new Map((s.projects ?? []).map((p) => [p.id, p.team ?? null]));
    const teamOf = (project: string) => teams.get(project) ?? null;
    const plan = s.seat_prices?.[s.edition];
    const seatPrice = plan === undefined ? null : usd(plan);
    if (s.export !== undefined) {
      const files = typeof s.export === 'string' ? [s.export] : s.export;
      return exportPages(files, {
        source: source.name,
        stream,
        teamOf,
        edition: s.edition,
        price: seatPrice,
      });
    }
    const root = (api: keyof typeof API) => apiRoot(s.base_url ?? API[api]);
    const creds = readGoogleCredentials(secret, `sources.${source.name}.token_env ($${s.token_env})`);
    const tokens = new GoogleTokens(creds, http, SCOPES, deps.now);
    const perPage = s.page_size ?? 100;
    const phases: Phase[] = [];

    if (s.licenses) {
      const { billing_account: ba, order } = s.licenses;
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
                price: seatPrice,
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

    /**
     * One metric of one project, aligned to whole UTC days: responses summed per day and `method`; an
     * active-user count's highest reading of the day, its series (locations) added up.
     */
    const series =
      (project: string, metric: string, aligner: string, groupBy: string | null): Phase['pages'] =>
      (from, signal) => {
        // Whole UTC days only: the last one is re-read by the next run's overlap.
        const start = floorUtc(from.since ?? new Date(deps.now() - 30 * 86_400_000), 'day');
        const end = floorUtc(from.until, 'day');
        if (end <= start) return (async function* () {})();
        return cursorPages({
          position: pageToken,
          start: () => ({ token: '' }),
          read: async (at) => {
            const url = new URL(`${root('monitoring')}/v3/projects/${project}/timeSeries`);
            const q = url.searchParams;
            q.set('filter', `metric.type=${quoted(metric)} AND resource.type=${quoted(RESOURCE_TYPE)}`);
            q.set('interval.startTime', start.toISOString());
            q.set('interval.endTime', end.toISOString());
            q.set('aggregation.alignmentPeriod', '86400s');
            q.set('aggregation.perSeriesAligner', aligner);
            q.set('aggregation.crossSeriesReducer', 'REDUCE_SUM');
            if (groupBy) q.set('aggregation.groupByFields', groupBy);
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
            const parsed = parseTimeSeriesPage(page, {
              file: `${url.host}${url.pathname}`,
              project,
              teamOf,
              stream,
            });
            let high: Date | null = null;
            for (const r of parsed.usage) if (high === null || r.start > high) high = r.start;
            for (const a of parsed.activeUsers) {
              const day = new Date(`${a.day}T00:00:00Z`);
              if (high === null || day > high) high = day;
            }
            return {
              usage: parsed.usage,
              activeUsers: parsed.activeUsers,
              problems: parsed.problems,
              high,
              next: page.nextPageToken ? { token: page.nextPageToken } : null,
            };
          },
        })({ position: from.position }, signal);
      };

    for (const project of s.projects ?? []) {
      phases.push({
        name: `monitoring:${project.id}`,
        pages: series(project.id, RESPONSE_COUNT, 'ALIGN_SUM', 'metric.label.method'),
      });
      for (const m of ACTIVE_USER_METRICS)
        phases.push({
          name: `active-users:${project.id}:${m.periodDays}`,
          pages: series(project.id, m.types[0], 'ALIGN_MAX', null),
        });
    }

    if (s.logging) {
      const logProjects = s.logging_project ? [s.logging_project] : (s.projects ?? []).map((p) => p.id);
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
            const counts: EntryCounts = new Map();
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
              problems.push(...countLogEntries(page, `${url.host}${url.pathname} ${day}`, counts));
              if (!page.nextPageToken) break;
              token = page.nextPageToken;
            }
            yield {
              activity: activityOf(counts),
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
