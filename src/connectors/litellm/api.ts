import { z } from 'zod';
import { parseSpendLogs, type LitellmContext } from '../../sources/spend/litellm/parse.js';
import { cursorPages, expectPage, type LoopPage } from '../cursor-pages.js';
import type { HttpClient } from '../http/client.js';
import { describeEndpoint } from '../http/redact.js';
import { newest, type SyncFrom } from '../sync/connector.js';

const DAY_MS = 24 * 3600_000;
const dayText = (d: Date) => d.toISOString().slice(0, 10);

/** The body of GET /spend/logs: an array of SpendLogs rows (some versions wrap it in `data`). */
const bodySchema = z.union([z.array(z.unknown()), z.object({ data: z.array(z.unknown()) })]);

/** A row whose readable startTime falls outside [day, nextDay); unreadable ones are the parser's to list. */
function otherDay(row: unknown, day: Date, nextDay: Date): boolean {
  const text = z.object({ startTime: z.string() }).safeParse(row).data?.startTime;
  if (!text) return false;
  const at = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
  return !Number.isNaN(at.getTime()) && (at < day || at >= nextDay);
}

/**
 * Spend log pages from LiteLLM's spend API, one UTC day per request (`start_date`/`end_date`, individual
 * rows with `summarize=false`), from the window's first day to today. The position is the next day to ask
 * for, so a stopped run resumes at the first day not stored. Rows outside the asked day are left to the
 * request for their own day, so a row is never read from two pages of one run.
 */
export function apiPages(
  http: HttpClient,
  root: string,
  ctx: Omit<LitellmContext, 'file'>,
  now: () => number,
) {
  return cursorPages({
    position: 'text',
    start: (from: SyncFrom) => dayText(from.since ?? new Date(now() - 180 * DAY_MS)),
    read: async (first: string, from: SyncFrom, signal?: AbortSignal): Promise<LoopPage<string>> => {
      const day = new Date(`${first}T00:00:00Z`);
      const today = new Date(`${dayText(new Date(now()))}T00:00:00Z`);
      const nextDay = new Date(day.getTime() + DAY_MS);
      const url = new URL(`${root}/spend/logs`);
      url.searchParams.set('start_date', dayText(day));
      url.searchParams.set('end_date', dayText(nextDay));
      url.searchParams.set('summarize', 'false');
      const res = await http.getJson(url, signal);
      const body = expectPage(bodySchema, res.body, 'GET', url, 'a list of spend logs');
      // The proxy's window includes its end date: rows of the next day are left to that day's request
      // (before parsing, so a bad row of the next day is listed once, not twice).
      const rows = (Array.isArray(body) ? body : body.data).filter((row) => !otherDay(row, day, nextDay));
      const parsed = parseSpendLogs(rows, { ...ctx, file: describeEndpoint('GET', url) });
      const since = from.since?.getTime() ?? -Infinity;
      const usage = parsed.records.filter((r) => r.start.getTime() >= since);
      const next = nextDay <= today ? dayText(nextDay) : null;
      return {
        usage,
        problems: parsed.problems,
        next,
        high: newest(usage.map((r) => r.start.toISOString())),
      };
    },
  });
}
