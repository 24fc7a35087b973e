import { addDays, weekStart, type DayWindow } from '../domain/time.js';

/**
 * Default windows of the weekly diagnostic, anchored on the data rather than on today: the last complete
 * week (Monday to Sunday) that has data, and spans of whole weeks ending with it.
 */
export interface DiagnosticWindows {
  /** The headline window: the last four complete weeks. */
  report: DayWindow;
  lastWeek: DayWindow;
  previousWeek: DayWindow;
  /** Up to 26 complete weeks for the trajectory and the rework trend. */
  trajectory: DayWindow;
  /** 12 weeks for the spread between people. */
  variance: DayWindow;
  /** 8 weeks of days: 4 of baseline, 4 examined for spikes. */
  daily: DayWindow;
}

export function diagnosticWindows(
  firstDay: string,
  lastDay: string,
  explicit?: Partial<DayWindow>,
): DiagnosticWindows {
  const dayAfterLast = addDays(lastDay, 1);
  // The last complete week ends on the Sunday on or before the last day with data.
  const until =
    explicit?.until ?? (weekStart(dayAfterLast) === dayAfterLast ? dayAfterLast : weekStart(lastDay));
  const since = explicit?.since ?? addDays(until, -28);
  const firstMonday = weekStart(firstDay) === firstDay ? firstDay : addDays(weekStart(firstDay), 7);
  const weeksBack = (n: number) => {
    const start = addDays(until, -7 * n);
    return start < firstMonday ? firstMonday : start;
  };
  return {
    report: { since, until },
    lastWeek: { since: addDays(until, -7), until },
    previousWeek: { since: addDays(until, -14), until: addDays(until, -7) },
    trajectory: { since: weeksBack(26), until },
    variance: { since: weeksBack(12), until },
    daily: { since: addDays(until, -56) < firstDay ? firstDay : addDays(until, -56), until },
  };
}
