/**
 * Everything is stored in UTC; days and weeks are the org's calendar days in its time zone, and weeks start
 * on Monday (ISO 8601).
 */
export type IsoDay = string; // YYYY-MM-DD

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The calendar day of an instant in a time zone. */
export function dayOf(instant: Date, timeZone: string): IsoDay {
  return formatterFor(timeZone).format(instant);
}

export function parseDay(day: IsoDay): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`not a day (YYYY-MM-DD): ${day}`);
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day)
    throw new RangeError(`not a day: ${day}`);
  return d;
}

export function addDays(day: IsoDay, n: number): IsoDay {
  const d = parseDay(day);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Monday of the ISO week containing `day`. */
export function weekStart(day: IsoDay): IsoDay {
  const dow = (parseDay(day).getUTCDay() + 6) % 7; // Monday = 0
  return addDays(day, -dow);
}

export function daysBetween(from: IsoDay, to: IsoDay): number {
  return Math.round((parseDay(to).getTime() - parseDay(from).getTime()) / 86_400_000);
}

export function daysInMonth(day: IsoDay): number {
  const d = parseDay(day);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
}

/** A half-open window of days [since, until). */
export interface DayWindow {
  since: IsoDay;
  until: IsoDay;
}
