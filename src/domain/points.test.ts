import { describe, expect, it } from 'vitest';
import { sizePoints } from './points.js';

describe('size points', () => {
  it.each([
    [10, 1, 2.0],
    [100, 5, 3.9],
    [1000, 30, 9.0],
    [1_000_000, 500, 13],
    [0, 0, 1],
    [-5, Number.NaN, 1],
  ])('%i lines in %i files → %f points', (lines, files, points) => {
    expect(sizePoints(lines, files)).toBe(points);
  });

  it('never exceeds the cap and never decreases with size', () => {
    let last = 0;
    for (const lines of [0, 1, 10, 100, 1_000, 10_000, 100_000]) {
      const p = sizePoints(lines, 10);
      expect(p).toBeGreaterThanOrEqual(last);
      expect(p).toBeLessThanOrEqual(13);
      last = p;
    }
  });

  it('grows sub-linearly: 4x the lines is well under 4x the points', () => {
    expect(sizePoints(400, 5) / sizePoints(100, 5)).toBeLessThan(2);
  });
});
