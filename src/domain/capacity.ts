/**
 * Capacity: the days a person is away, from their calendar (out-of-office events, all-day busy events), so
 * that delivery per engineer counts the engineer-days people were there, not heads. Only the kind of absence
 * and its days are known: never an event's title, description or attendees.
 */
export const ABSENCE_KINDS = ['out_of_office', 'all_day_busy'] as const;
export type AbsenceKind = (typeof ABSENCE_KINDS)[number];

/** One day of an absence: the share of the working day it takes (1 a full day, 0.5 half of one). */
export interface AbsenceDay {
  /** The person's calendar day, YYYY-MM-DD. */
  day: string;
  fraction: number;
}

/**
 * A calendar event as it stands now. Stored as its days (one row per person and day it covers); a re-sync
 * of the same event replaces them, so an absence moved or cancelled leaves no stale day behind.
 */
export interface AbsenceRecord {
  /** Stable per source, calendar and event. */
  key: string;
  source: string;
  /** The calendar's owner (an email), hashed on storage and resolved through the directory's aliases. */
  actor: string;
  kind: AbsenceKind;
  /** Empty when the event was cancelled or is no absence any more: its stored days are removed. */
  days: AbsenceDay[];
}

/** A day is a working day Monday to Friday: absences on weekends take no capacity. */
export function isWorkday(day: string): boolean {
  const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
  return dow >= 1 && dow <= 5;
}

/** Working days from `since` (inclusive) to `until` (exclusive), YYYY-MM-DD. */
export function workdaysBetween(since: string, until: string): number {
  let n = 0;
  for (let t = Date.parse(`${since}T00:00:00Z`); t < Date.parse(`${until}T00:00:00Z`); t += 86_400_000)
    if (isWorkday(new Date(t).toISOString().slice(0, 10))) n++;
  return n;
}

/**
 * The share of a day a timed absence takes, from the hours it covers of that calendar day: a full day from
 * six hours, half a day from three, nothing below (a dentist's hour is no absence from work).
 */
export function dayFraction(hours: number): number {
  if (hours >= 6) return 1;
  if (hours >= 3) return 0.5;
  return 0;
}
