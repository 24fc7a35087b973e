import { addDays, weekStart, type DayWindow, type IsoDay } from '../domain/time.js';
import type { BudgetPeriod } from './config.js';

/**
 * The budget period (org-local days, `until` exclusive) that contains `day`: the ISO week from Monday, the
 * calendar month, or the calendar quarter. Its `since` names it in the alert history, so an alert is
 * "once per budget and period" whatever time of the period it was raised.
 */
export function periodOf(period: BudgetPeriod, day: IsoDay): DayWindow {
  switch (period) {
    case 'week': {
      const since = weekStart(day);
      return { since, until: addDays(since, 7) };
    }
    case 'month': {
      const [y, m] = monthOf(day);
      return { since: firstOf(y, m), until: m === 12 ? firstOf(y + 1, 1) : firstOf(y, m + 1) };
    }
    case 'quarter': {
      const [y, m] = monthOf(day);
      const q = Math.floor((m - 1) / 3) * 3 + 1;
      return { since: firstOf(y, q), until: q === 10 ? firstOf(y + 1, 1) : firstOf(y, q + 3) };
    }
    default:
      return period satisfies never;
  }
}

const monthOf = (day: IsoDay): [number, number] => [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
const firstOf = (y: number, m: number): IsoDay =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-01`;
