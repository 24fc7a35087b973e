import { describe, expect, it } from 'vitest';
import { usd } from '../domain/money.js';
import { addDays } from '../domain/time.js';
import { projectBudget } from './budget-forecast.js';
import { periodOf } from './period.js';

const days = (since: string, n: number, cost: string) =>
  Array.from({ length: n }, (_, i) => ({ day: addDays(since, i), cost }));

describe('budget periods and the forecast rule', () => {
  it('periods are the ISO week, the calendar month and the calendar quarter containing the day', () => {
    expect(periodOf('week', '2026-12-10')).toEqual({ since: '2026-12-07', until: '2026-12-14' });
    expect(periodOf('month', '2026-12-10')).toEqual({ since: '2026-12-01', until: '2027-01-01' });
    expect(periodOf('quarter', '2026-11-30')).toEqual({ since: '2026-10-01', until: '2027-01-01' });
    expect(periodOf('quarter', '2026-02-28')).toEqual({ since: '2026-01-01', until: '2026-04-01' });
  });

  it('without three weeks of history, projects the period run rate: $500 in 10 days of $1,000 exceeds on the 20th', () => {
    const p = projectBudget(
      periodOf('month', '2026-12-10'),
      '2026-12-10',
      usd(500),
      usd(1000),
      days('2026-12-01', 10, '50'),
    );
    expect(p).toEqual({ exceedsOn: '2026-12-20', projectedTotal: '1550.00', basis: 'run_rate' });
  });

  it('with history, projects the trajectory forecast of past whole weeks: a flat $700 a week is $100 a day', () => {
    const history = days('2026-10-05', 67, '100'); // 2026-10-05 to 2026-12-10
    const p = projectBudget(periodOf('month', '2026-12-10'), '2026-12-10', usd(1000), usd(2000), history);
    expect(p.basis).toBe('trend');
    expect(p.exceedsOn).toBe('2026-12-20');
    expect(p.projectedTotal).toBe('3100.00');
  });

  it('says nothing when the period ends under budget', () => {
    const p = projectBudget(
      periodOf('week', '2026-12-10'),
      '2026-12-10',
      usd(40),
      usd(1000),
      days('2026-12-07', 4, '10'),
    );
    expect(p.exceedsOn).toBeNull();
    expect(p.projectedTotal).toBe('70.00');
  });
});
