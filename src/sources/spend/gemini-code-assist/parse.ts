import { z } from 'zod';
import { recordId } from '../../../domain/ids.js';
import { usd, type Usd } from '../../../domain/money.js';
import type { ParseResult } from '../../../domain/parse-result.js';
import type { SeatActivity, SeatRecord } from '../../../domain/seat.js';
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
const int64 = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()], {
  error: 'expected a whole number of responses',
});
const pointSchema = z.object({
  interval: z.object({ endTime: z.iso.datetime({ offset: true }), startTime: z.string().optional() }),
  value: z.union([z.object({ int64Value: int64 }), z.object({ doubleValue: z.number().nonnegative() })], {
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
 * Responses per project and day, as the connector asks for them (aligned to whole UTC days, summed per
 * `method`): usage records of the project's team, in the Gemini Code Assist stream. The responses cost nothing
 * beyond the licences, so each day is billed $0 with the basis saying so; the licences (seats) carry the cost.
 */
export function parseResponseSeries(
  body: unknown,
  ctx: { file: string; project: string; team: string | null; stream: string },
): ParseResult<UsageRecord> {
  const page = timeSeriesPageSchema.safeParse(body);
  if (!page.success) return notAPage(ctx.file, 'timeSeries', 'expected {timeSeries: [...]} or {}');
  const out: ParseResult<UsageRecord> = { records: [], problems: [] };
  const series = parseEachItem(
    page.data.timeSeries ?? [],
    seriesSchema,
    { file: ctx.file, path: 'timeSeries' },
    (s) => s,
  );
  out.problems.push(...series.problems);
  for (const [i, s] of series.records.entries()) {
    const method = s.metric.labels?.method ?? null;
    const points = parseEachItem(
      s.points,
      pointSchema,
      { file: ctx.file, path: `timeSeries[${i}].points` },
      (p) => p,
    );
    out.problems.push(...points.problems);
    for (const [j, p] of points.records.entries()) {
      const n = 'int64Value' in p.value ? Number(p.value.int64Value) : p.value.doubleValue;
      if (!Number.isSafeInteger(n)) {
        out.problems.push({
          file: ctx.file,
          line: null,
          field: `timeSeries[${i}].points[${j}].value`,
          message: 'expected a whole number of responses',
        });
        continue;
      }
      // A daily-aligned point covers the UTC day that ends at its endTime.
      const end = new Date(p.interval.endTime);
      const start = new Date(end.getTime() - 86_400_000);
      const day = start.toISOString().slice(0, 10);
      out.records.push({
        id: recordId(MONITORING_SOURCE, ctx.project, s.metric.type, method, day),
        source: MONITORING_SOURCE,
        stream: ctx.stream,
        granularity: 'day',
        start,
        end,
        tool: TOOL,
        provider: 'google',
        model: null,
        tokens: { ...NO_TOKENS },
        requests: n,
        cost: { amount: usd(0), basis: 'billed', priceRef: `${TOOL}:included-in-licence` },
        hints: { workspace: ctx.project, ...(ctx.team ? { teamTag: ctx.team } : {}) },
      });
    }
  }
  return out;
}

/** entries.list (Logging API v2), asked for `entries(insertId,timestamp,labels)` only: never a payload. */
export const entriesPageSchema = z.strictObject({
  entries: z.array(z.unknown()).optional(),
  nextPageToken: z.string().optional(),
});
const entrySchema = z.object({
  timestamp: z.iso.datetime({ offset: true }),
  labels: z.object({ user_id: z.string().min(1) }),
});

/** Metadata log entries counted per user and UTC day (the caller adds the pages of one day together). */
export function countLogEntries(
  body: unknown,
  file: string,
  into: Map<string, number>,
): { problems: ParseResult<never>['problems']; wholePage: boolean } {
  const page = entriesPageSchema.safeParse(body);
  if (!page.success)
    return {
      problems: notAPage(file, 'entries', 'expected {entries: [...]} or {}').problems,
      wholePage: true,
    };
  const parsed = parseEachItem(page.data.entries ?? [], entrySchema, { file, path: 'entries' }, (e) => e);
  for (const e of parsed.records) {
    const user = e.labels.user_id;
    into.set(user, (into.get(user) ?? 0) + 1);
  }
  return { problems: parsed.problems, wholePage: false };
}

/** A day's counts as seat activity: the days each licence holder used Gemini Code Assist. */
export function activityOfDay(day: string, counts: ReadonlyMap<string, number>): SeatActivity[] {
  return [...counts].map(([user, n]) => ({
    id: recordId(LOGGING_SOURCE, user.toLowerCase(), day),
    source: LOGGING_SOURCE,
    tool: TOOL,
    actor: user,
    day,
    interactions: n,
  }));
}
