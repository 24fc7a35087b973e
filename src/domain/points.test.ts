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

describe('the README worked examples', () => {
  // [PR, effective lines, effective files, the lines term, the files term, points]
  it.each([
    ['A: invoice export (20 + 5 + 5 lines; the lockfile left out)', 20 + 5 + 5, 2, 1.095, 0.549, 2.6],
    ['B: PDF renderer (5 source files and a PNG)', 240, 5 + 1, 3.098, 0.973, 5.1],
    ['C: storage layer rewrite (capped)', 4000, 120, 12.649, 2.398, 13],
  ])('%s', (_pr, lines, files, linesTerm, filesTerm, points) => {
    expect(Math.sqrt(lines) / 5).toBeCloseTo(linesTerm, 3);
    expect(Math.log(1 + files) / 2).toBeCloseTo(filesTerm, 3);
    expect(sizePoints(lines, files)).toBe(points);
  });
});
