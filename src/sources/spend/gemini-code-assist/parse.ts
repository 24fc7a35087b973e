import { z } from 'zod';
import { recordId } from '../../../domain/ids.js';
import { usd, type Usd } from '../../../domain/money.js';
import type { ParseResult, Problem } from '../../../domain/parse-result.js';
import type { ReportedActiveUsers, SeatActivity, SeatRecord } from '../../../domain/seat.js';
import { NO_TOKENS, type UsageRecord } from '../../../domain/usage.js';
import { notAPage, parseEachItem } from '../../each-item.js';

export const TOOL = 'gemini-code-assist';
export const SEATS_SOURCE = 'gemini-code-assist-licenses';
export const MONITORING_SOURCE = 'gemini-code-assist-monitoring';
export const LOGGING_SOURCE = 'gemini-code-assist-logging';
/** The monitored resource every Gemini Code Assist metric and log entry is written against. */
export const RESOURCE_TYPE = 'cloudaicompanion.googleapis.com/Instance';
/** Responses sent to users (Monitor Gemini for Google Cloud usage: `usage/response_count`). */
export const RESPONSE_COUNT = 'cloudaicompanion.googleapis.com/usage/response_count';
/**
 * Active users per project, daily and over 28 days. The first type of each is the one Mileage asks Monitoring for
 * (Monitor Gemini for Google Cloud usage lists `usage/responses/daily_active_users` and
 * `usage/responses/twenty_eight_day_active_users`); the second is the name Google's newer "Monitor Gemini Code
 * Assist usage" page gives (`code_assist/…`), read when a saved export holds it (docs/connectors.md).
 */
export const ACTIVE_USER_METRICS = [
  {
    periodDays: 1,
    types: [
      'cloudaicompanion.googleapis.com/usage/responses/daily_active_users',
      'cloudaicompanion.googleapis.com/code_assist/daily_active_users',
    ],
  },
  {
    periodDays: 28,
    types: [
      'cloudaicompanion.googleapis.com/usage/responses/twenty_eight_day_active_users',
      'cloudaicompanion.googleapis.com/code_assist/twenty_eight_day_active_users',
    ],
  },
] as const satisfies readonly { periodDays: 1 | 28; types: readonly string[] }[];

/**
 * billingAccounts.orders.licensePool.enumerateLicensedUsers (Manage Gemini Code Assist licenses): `{}` when no
 * licence is assigned, else `licensedUsers` with a page token. Strict, so an answer that is no such page
 * (an error body, another API's page) is told from an empty pool.
 */
export const licensePageSchema = z.strictObject({
  licensedUsers: z.array(z.unknown()).optional(),
  nextPageToken: z.string().optional(),
});
const licensedUserSchema = z.object({
  /** The Google account holding the licence: an email, resolved through the directory's aliases. */
  username: z.string().min(1),
  assignTime: z.iso.datetime({ offset: true }),
});

/**
 * Licences as seats: one per licensed user, from the day it was assigned, on the subscription's edition
 * (`standard` or `enterprise`), priced from the source's `seat_prices` (the API has no prices; an edition
 * without one stays unpriced, never $0).
 */
export function parseLicensedUsers(
  body: unknown,
  ctx: { file: string; edition: string; price: Usd | null },
): ParseResult<SeatRecord> {
  const page = licensePageSchema.safeParse(body);
  if (!page.success) return notAPage(ctx.file, 'licensedUsers', 'expected {licensedUsers: [...]} or {}');
  return parseEachItem(
    page.data.licensedUsers ?? [],
    licensedUserSchema,
    { file: ctx.file, path: 'licensedUsers' },
    (u) => ({
      id: recordId(SEATS_SOURCE, TOOL, u.username.toLowerCase()),
      source: SEATS_SOURCE,
      tool: TOOL,
      actor: u.username,
      plan: ctx.edition,
      periodStart: new Date(u.assignTime).toISOString().slice(0, 10),
      periodEnd: null,
      price: ctx.price,
      basis: 'billed' as const,
      lastActivity: null,
    }),
  );
}

/** projects.timeSeries.list (Monitoring API v3): `{}` when nothing matched. */
export const timeSeriesPageSchema = z.strictObject({
  timeSeries: z.array(z.unknown()).optional(),
  nextPageToken: z.string().optional(),
  executionErrors: z.array(z.unknown()).optional(),
  unit: z.string().optional(),
});
const count = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()], {
  error: 'expected a whole number',
});
const pointSchema = z.object({
  interval: z.object({ endTime: z.iso.datetime({ offset: true }), startTime: z.string().optional() }),
  value: z.union([z.object({ int64Value: count }), z.object({ doubleValue: z.number().nonnegative() })], {
    error: 'expected an int64Value or doubleValue',
  }),
});
const seriesSchema = z.object({
  metric: z.object({ type: z.string(), labels: z.record(z.string(), z.string()).optional() }),
  resource: z.object({ type: z.string(), labels: z.record(z.string(), z.string()).optional() }),
  /** Each point on its own: one bad point never takes the series' good ones with it. */
  points: z.array(z.unknown()),
});

/**
 * The UTC day a point counts for: the day its interval ends in, an end at midnight closing the day before. One
 * rule for daily-aligned points (`[D, D+1)` for a sum, `D+1` for a gauge's aligned reading) and for raw points
 * of an export (a minute's delta, a gauge sampled at 14:32), so the API and a saved export agree.
 */
export function pointDay(endTime: string): string {
  return new Date(Date.parse(endTime) - 1).toISOString().slice(0, 10);
}

/** What a series of the Monitoring answer becomes, given its metric type (null: not one Mileage reads). */
function metricOf(type: string): { kind: 'responses' } | { kind: 'active'; periodDays: 1 | 28 } | null {
  if (type === RESPONSE_COUNT) return { kind: 'responses' };
  const active = ACTIVE_USER_METRICS.find((m) => (m.types as readonly string[]).includes(type));
  return active ? { kind: 'active', periodDays: active.periodDays } : null;
}

export interface MonitoringContext {
  /** The project asked about (the API path); null: each series' `resource.labels.resource_container` (exports). */
  project: string | null;
  /** The team a project belongs to (the source's `projects:`), null when none is configured. */
  teamOf: (project: string) => string | null;
  stream: string;
}

/** Series as read from one answer or file, with where they sit in it (for problems). */
export interface SeriesInput {
  file: string;
  /** The series' place in the document: `timeSeries` in an answer, `[2].timeSeries` in a list of them. */
  path: string;
  series: readonly unknown[];
}

export interface MonitoringRecords {
  usage: UsageRecord[];
  activeUsers: ReportedActiveUsers[];
  problems: Problem[];
}

/**
 * Cloud Monitoring's Gemini Code Assist series → Mileage's records, whether Mileage asked for them (aligned to
 * whole UTC days, summed per `method`) or they come from saved exports (raw points, any alignment, several
 * files):
 * - responses (`usage/response_count`) per project, method and day: usage records of the project's team in the
 *   Gemini Code Assist stream. They cost nothing beyond the licences, so each day is billed $0 with the basis
 *   saying so; the licences (seats) carry the cost. Points of a day are summed.
 * - active users (daily and 28-day, ACTIVE_USER_METRICS) per project and day: a gauge, so a series' points of a
 *   day give its highest reading, and series of the same project (locations) add up.
 * A point seen twice (the same series and interval in two overlapping exports) counts once. Series of other
 * metrics are left alone (an export may hold more than Mileage reads); a bad series, point or value is a problem
 * naming its file and place, and the rest is kept.
 */
export function parseMonitoringSeries(
  inputs: readonly SeriesInput[],
  ctx: MonitoringContext,
): MonitoringRecords {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const responses = new Map<
    string,
    { project: string; type: string; method: string | null; day: string; n: number }
  >();
  const active = new Map<string, { project: string; periodDays: 1 | 28; day: string; n: number }>();
  for (const input of inputs) {
    const at = (i: number, rest = '') => `${input.path}[${i}]${rest}`;
    const parsed = parseEachItem(
      input.series,
      seriesSchema,
      { file: input.file, path: input.path },
      (s) => s,
    );
    problems.push(...parsed.problems);
    parsed.records.forEach((s, i) => {
      const metric = metricOf(s.metric.type);
      if (metric === null) return;
      const project = ctx.project ?? s.resource.labels?.resource_container ?? null;
      if (project === null) {
        problems.push({
          file: input.file,
          line: null,
          field: at(i, '.resource.labels.resource_container'),
          message: 'expected the project the series was counted in',
        });
        return;
      }
      const identity = JSON.stringify([s.metric, s.resource]);
      const points = parseEachItem(
        s.points,
        pointSchema,
        { file: input.file, path: at(i, '.points') },
        (p) => p,
      );
      problems.push(...points.problems);
      const highest = new Map<string, number>();
      points.records.forEach((p, j) => {
        const n = 'int64Value' in p.value ? Number(p.value.int64Value) : p.value.doubleValue;
        if (!Number.isSafeInteger(n)) {
          problems.push({
            file: input.file,
            line: null,
            field: at(i, `.points[${j}].value`),
            message: 'expected a whole number',
          });
          return;
        }
        const once = JSON.stringify([identity, p.interval.startTime ?? null, p.interval.endTime]);
        if (seen.has(once)) return;
        seen.add(once);
        const day = pointDay(p.interval.endTime);
        if (metric.kind === 'responses') {
          const method = s.metric.labels?.method ?? null;
          const key = JSON.stringify([project, s.metric.type, method, day]);
          const had = responses.get(key);
          if (had) had.n += n;
          else responses.set(key, { project, type: s.metric.type, method, day, n });
        } else highest.set(day, Math.max(highest.get(day) ?? 0, n));
      });
      if (metric.kind === 'active')
        for (const [day, n] of highest) {
          const key = JSON.stringify([project, metric.periodDays, day]);
          const had = active.get(key);
          if (had) had.n += n;
          else active.set(key, { project, periodDays: metric.periodDays, day, n });
        }
    });
  }
  const usage = [...responses.values()].map((r): UsageRecord => {
    const start = new Date(`${r.day}T00:00:00Z`);
    const team = ctx.teamOf(r.project);
    return {
      id: recordId(MONITORING_SOURCE, r.project, r.type, r.method, r.day),
      source: MONITORING_SOURCE,
      stream: ctx.stream,
      granularity: 'day',
      start,
      end: new Date(start.getTime() + 86_400_000),
      tool: TOOL,
      provider: 'google',
      model: null,
      tokens: { ...NO_TOKENS },
      requests: r.n,
      cost: { amount: usd(0), basis: 'billed', priceRef: `${TOOL}:included-in-licence` },
      hints: { workspace: r.project, ...(team ? { teamTag: team } : {}) },
    };
  });
  const activeUsers = [...active.values()].map((a): ReportedActiveUsers => ({
    id: recordId(MONITORING_SOURCE, a.project, 'active-users', a.periodDays, a.day),
    source: MONITORING_SOURCE,
    tool: TOOL,
    workspace: a.project,
    team: ctx.teamOf(a.project),
    day: a.day,
    periodDays: a.periodDays,
    users: a.n,
  }));
  return { usage, activeUsers, problems };
}

/** One timeSeries.list answer: the page's series, or the one problem of an answer that is no such page. */
export function parseTimeSeriesPage(
  body: unknown,
  ctx: MonitoringContext & { file: string },
): MonitoringRecords {
  const page = timeSeriesPageSchema.safeParse(body);
  if (!page.success)
    return {
      usage: [],
      activeUsers: [],
      ...notAPage(ctx.file, 'timeSeries', 'expected {timeSeries: [...]} or {}'),
    };
  return parseMonitoringSeries(
    [{ file: ctx.file, path: 'timeSeries', series: page.data.timeSeries ?? [] }],
    ctx,
  );
}

/** entries.list (Logging API v2), asked for `entries(insertId,timestamp,labels)` only: never a payload. */
export const entriesPageSchema = z.strictObject({
  entries: z.array(z.unknown()).optional(),
  nextPageToken: z.string().optional(),
});

/**
 * The prompt and response logs: they hold content, so they are never asked for (the API filter excludes them)
 * and never counted from an export (which may hold them when logging of prompts is on). Every other entry of
 * Gemini Code Assist is a metadata log.
 */
export const CONTENT_LOG_TYPES = [
  'type.googleapis.com/google.cloud.cloudaicompanion.logging.v1.RequestLog',
  'type.googleapis.com/google.cloud.cloudaicompanion.logging.v1.ResponseLog',
] as const;
/** The `labels.product` of Gemini Code Assist's entries ("Generate Gemini Code Assist metrics"). */
export const CODE_ASSIST_PRODUCT = 'code assist';

/**
 * A log entry as far as Mileage reads it: when, whose, and — in an export, where the API's filter did not
 * apply — enough to tell a Gemini Code Assist metadata entry from anything else. The payload's text is never
 * looked at: only its `@type`.
 */
const entrySchema = z.object({
  insertId: z.string().optional(),
  logName: z.string().optional(),
  timestamp: z.iso.datetime({ offset: true }),
  labels: z.looseObject({ user_id: z.string().min(1).optional(), product: z.string().optional() }),
  resource: z.looseObject({ type: z.string() }).optional(),
  jsonPayload: z.looseObject({ '@type': z.string().optional() }).optional(),
});

/** Whether an entry is a Gemini Code Assist metadata log (what the API's filter asks for, applied to an export). */
function isMetadataEntry(e: z.infer<typeof entrySchema>): boolean {
  if (e.resource && e.resource.type !== RESOURCE_TYPE) return false;
  if (e.labels.product !== undefined && e.labels.product !== CODE_ASSIST_PRODUCT) return false;
  const type = e.jsonPayload?.['@type'];
  return !(CONTENT_LOG_TYPES as readonly string[]).includes(type ?? '');
}

/** Counts of metadata entries per UTC day and user. */
export type EntryCounts = Map<string, Map<string, number>>;

/**
 * Metadata log entries counted per UTC day and user, into `into` (the caller adds pages or files together). An
 * entry of another product or resource, or a prompt or response log, is left out; a metadata entry without a
 * time or a user is a problem at its place.
 */
export function countEntries(
  entries: readonly unknown[],
  at: { file: string; path: string },
  into: EntryCounts,
  /** Entries counted already (`logName` and `insertId`): overlapping exports count an entry once. */
  seen: Set<string> = new Set(),
): Problem[] {
  const problems: Problem[] = [];
  const parsed = parseEachItem(entries, entrySchema, at, (e, i) => {
    if (!isMetadataEntry(e)) return null;
    if (e.insertId !== undefined) {
      const once = JSON.stringify([e.logName ?? null, e.insertId, e.timestamp]);
      if (seen.has(once)) return null;
      seen.add(once);
    }
    if (!e.labels.user_id) {
      problems.push({
        file: at.file,
        line: null,
        field: `${at.path}[${i}].labels.user_id`,
        message: 'expected the user the entry was logged for',
      });
      return null;
    }
    const day = new Date(e.timestamp).toISOString().slice(0, 10);
    const users = into.get(day) ?? new Map<string, number>();
    users.set(e.labels.user_id, (users.get(e.labels.user_id) ?? 0) + 1);
    into.set(day, users);
    return null;
  });
  return [...parsed.problems, ...problems];
}

/** One entries.list answer counted into `into`; an answer that is no such page is its one problem. */
export function countLogEntries(body: unknown, file: string, into: EntryCounts): Problem[] {
  const page = entriesPageSchema.safeParse(body);
  if (!page.success) return notAPage(file, 'entries', 'expected {entries: [...]} or {}').problems;
  return countEntries(page.data.entries ?? [], { file, path: 'entries' }, into);
}

/** Counts as seat activity: the days each licence holder used Gemini Code Assist. */
export function activityOf(counts: EntryCounts): SeatActivity[] {
  return [...counts].flatMap(([day, users]) =>
    [...users].map(([user, n]) => ({
      id: recordId(LOGGING_SOURCE, user.toLowerCase(), day),
      source: LOGGING_SOURCE,
      tool: TOOL,
      actor: user,
      day,
      interactions: n,
    })),
  );
}
