import { describe, expect, it } from 'vitest';
import { bootstrapRatioOfRatios, mad, median, quantile } from './statistics.js';

describe('statistics', () => {
  it('median, MAD and quantiles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(mad([1, 1, 2, 2, 4, 6, 9])).toBe(1);
    expect(quantile([0, 10], 0.25)).toBe(2.5);
  });

  it('bootstrap interval brackets a real 4x ratio and stays tight around 1x for identical groups', () => {
    const weeks = (perPr: number) =>
      Array.from({ length: 12 }, (_, i) => ({ numerator: perPr * (3 + (i % 3)), denominator: 3 + (i % 3) }));
    const four = bootstrapRatioOfRatios(weeks(40), weeks(10));
    expect(four.low).toBeGreaterThan(3);
    const same = bootstrapRatioOfRatios(weeks(10), weeks(10));
    expect(same.low).toBeLessThanOrEqual(1);
    expect(same.high).toBeGreaterThanOrEqual(1);
  });
});
