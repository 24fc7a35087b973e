/**
 * Delivery points of a PR from its size when no ticket estimate is linked: complexity-weighted, growing
 * sub-linearly with effective changed lines and files touched, and capped — never raw line count.
 *   points = min(13, 1 + √lines / 5 + ln(1 + files) / 2), one decimal.
 * 10 lines in 1 file ≈ 2.0 · 100 lines in 5 files ≈ 3.9 · 1,000 lines in 30 files ≈ 9.0 · huge → 13.
 */
export const POINTS_BASE = 1;
/** √lines / 5: the lines term grows with the square root (4x the lines, 2x that term). */
export const LINES_DIVISOR = 5;
/** ln(1 + files) / 2: touching many files adds coordination, slowly. */
export const FILES_DIVISOR = 2;
/** No single PR is worth more than a large story. */
export const POINTS_CAP = 13;

/** Negative, NaN or infinite inputs count as nothing changed (a size is never below zero). */
function size(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

export function sizePoints(effectiveLines: number, files: number): number {
  const raw =
    POINTS_BASE + Math.sqrt(size(effectiveLines)) / LINES_DIVISOR + Math.log(1 + size(files)) / FILES_DIVISOR;
  return Math.round(Math.min(POINTS_CAP, raw) * 10) / 10;
}
