import { describe, expect, it } from 'vitest';
import { usd } from '../domain/money.js';
import { addDays } from '../domain/time.js';
import { dailySpikes, dayKind, spikeFinding } from './trends.js';

/** Working days at $100 (±3), weekends at $5, one day at `spike` on `spikeDay`; `quiet` days have no data. */
function series(from: string, n: number, spikeDay: string, spike: number, quiet: string[] = []) {
  return Array.from({ length: n }, (_, i) => {
    const day = addDays(from, i);
    const normal = dayKind(day) === 'weekend day' ? 5 : 100 + ((i * 7) % 7) - 3;
    const cost = day === spikeDay ? spike : quiet.includes(day) ? 0 : normal;
    return { day, cost: usd(cost) };
  });
}

describe('the spike baseline compares like with like', () => {
  it('reads a working day against working days, not against a month of quiet weekends', () => {
    // 2026-10-27 is a Tuesday; the 28 days before hold 8 weekend days at $5.
    const days = series('2026-09-15', 43, '2026-10-27', 500);
    const [spike] = dailySpikes(days).filter((s) => s.day === '2026-10-27');
    expect(spike?.kind).toBe('working day');
    // The baseline is the median working day (~$100): weekends and days without data are not in it.
    expect(spike?.baseline).toBeGreaterThanOrEqual(97);
    expect(spike?.baseline).toBeLessThanOrEqual(103);
    expect(spikeFinding(days)?.answer).toMatch(
      /^2026-10-27 \(a working day\) cost \$500\.00, 5\.\dx the median working day/,
    );
  });

  it('does not flag an ordinary working day after a run of holidays, which an all-days median would', () => {
    // Ten working days with no data (a holiday season) before an ordinary $100 Monday.
    const quiet = Array.from({ length: 14 }, (_, i) => addDays('2026-12-21', i)).filter(
      (d) => dayKind(d) === 'working day',
    );
    const days = series('2026-11-23', 43, 'none', 0, quiet);
    expect(dailySpikes(days).map((s) => s.day)).not.toContain('2027-01-04');
  });

  it('compares a weekend day with weekend days', () => {
    const days = series('2026-09-15', 43, '2026-10-25', 60); // a Sunday at 12x the usual $5
    const spike = dailySpikes(days).find((s) => s.day === '2026-10-25');
    expect(spike?.kind).toBe('weekend day');
    expect(spike?.baseline).toBe(5);
  });
});
