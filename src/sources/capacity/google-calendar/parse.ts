import { z } from 'zod';
import {
  dayFraction,
  type AbsenceDay,
  type AbsenceKind,
  type AbsenceRecord,
} from '../../../domain/capacity.js';
import { recordId } from '../../../domain/ids.js';
import type { ParseResult } from '../../../domain/parse-result.js';
import { notAPage, parseEachItem } from '../../each-item.js';

export const SOURCE = 'google-calendar';

/**
 * The fields asked of events.list (its `fields` parameter): the event's id, status, type, busy or free, times
 * and last change. Titles, descriptions, locations and attendees are never asked for, so they never reach
 * this process.
 */
export const EVENT_FIELDS = 'items(id,status,eventType,transparency,start,end,updated),nextPageToken';

/** events.list restricted to EVENT_FIELDS: strict, so an answer that is no such page is told from an empty one. */
export const eventsPageSchema = z.strictObject({
  items: z.array(z.unknown()).optional(),
  nextPageToken: z.string().optional(),
});

const when = z.object({
  /** All-day events: the calendar day. */
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
    .optional(),
  /** Timed events: RFC 3339 with the offset of the event's time zone. */
  dateTime: z.iso.datetime({ offset: true }).optional(),
});
const eventSchema = z.object({
  id: z.string().min(1),
  status: z.enum(['confirmed', 'tentative', 'cancelled']).optional(),
  /** default, outOfOffice, focusTime, workingLocation, birthday, fromGmail: only the first two can be absences. */
  eventType: z.string().optional(),
  transparency: z.enum(['opaque', 'transparent']).optional(),
  // A cancelled event comes back with its id and status only.
  start: when.optional(),
  end: when.optional(),
});
type CalendarEvent = z.infer<typeof eventSchema>;

const DAY_MS = 86_400_000;

/** The calendar days an all-day event covers, its end date excluded (as the API gives it). */
function allDays(start: string, end: string): AbsenceDay[] {
  const out: AbsenceDay[] = [];
  for (let t = Date.parse(`${start}T00:00:00Z`); t < Date.parse(`${end}T00:00:00Z`); t += DAY_MS)
    out.push({ day: new Date(t).toISOString().slice(0, 10), fraction: 1 });
  return out;
}

/** Minutes east of UTC of an RFC 3339 time's offset. */
function offsetMinutes(dateTime: string): number {
  const m = /([+-])(\d{2}):(\d{2})$/.exec(dateTime);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** The local days a timed absence covers, in the offset of its start, each with the share it takes. */
function timedDays(start: string, end: string): AbsenceDay[] {
  const shift = offsetMinutes(start) * 60_000;
  const from = Date.parse(start) + shift;
  const to = Date.parse(end) + shift;
  const out: AbsenceDay[] = [];
  for (let d = Math.floor(from / DAY_MS) * DAY_MS; d < to; d += DAY_MS) {
    const hours = (Math.min(to, d + DAY_MS) - Math.max(from, d)) / 3_600_000;
    const fraction = dayFraction(hours);
    if (fraction > 0) out.push({ day: new Date(d).toISOString().slice(0, 10), fraction });
  }
  return out;
}

/**
 * What an event is for capacity: an out-of-office event (all-day or timed), or an all-day event that shows
 * its owner busy. Null for everything else (meetings, focus time, working location, free all-day notes).
 */
function absenceOf(e: CalendarEvent): { kind: AbsenceKind; days: AbsenceDay[] } | null {
  const allDay = e.start?.date !== undefined && e.end?.date !== undefined;
  const kind: AbsenceKind | null =
    e.eventType === 'outOfOffice'
      ? 'out_of_office'
      : (e.eventType ?? 'default') === 'default' && allDay && e.transparency !== 'transparent'
        ? 'all_day_busy'
        : null;
  if (kind === null) return null;
  if (allDay) return { kind, days: allDays(e.start?.date ?? '', e.end?.date ?? '') };
  if (e.start?.dateTime && e.end?.dateTime)
    return { kind, days: timedDays(e.start.dateTime, e.end.dateTime) };
  return null;
}

/**
 * One page of a person's events → their absences. A cancelled event (or one no longer an absence, when it is
 * all-day) yields an empty record, which removes the days stored for it before. Timed events that are no
 * absence are left out: they never were one.
 */
export function parseCalendarEvents(
  body: unknown,
  ctx: { file: string; calendar: string },
): ParseResult<AbsenceRecord> {
  const page = eventsPageSchema.safeParse(body);
  if (!page.success) return notAPage(ctx.file, 'items', 'expected {items: [...]} or {}');
  return parseEachItem(page.data.items ?? [], eventSchema, { file: ctx.file, path: 'items' }, (e) => {
    const key = recordId(SOURCE, ctx.calendar.toLowerCase(), e.id);
    const absence = e.status === 'cancelled' ? null : absenceOf(e);
    const allDay = e.start?.date !== undefined;
    if (absence === null && e.status !== 'cancelled' && !allDay && e.eventType !== 'outOfOffice') return null;
    return {
      key,
      source: SOURCE,
      actor: ctx.calendar,
      kind: absence?.kind ?? 'out_of_office',
      days: absence?.days ?? [],
    };
  });
}
