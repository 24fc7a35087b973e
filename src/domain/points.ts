/**
 * Delivery points of a PR from its size when no ticket estimate is linked: complexity-weighted, growing
 * sub-linearly with effective changed lines and files touched, and capped — never raw line count.
 *   points = min(13, 1 + √lines / 5 + ln(1 + files) / 2), one decimal.
 * 10 lines in 1 file ≈ 2.0 · 100 lines in 5 files ≈ 3.9 · 1,000 lines in 30 files ≈ 9.0 · huge → 13.
 */
export const POINTS_BASE = 1;
/** √lines / 5: a 4x bigger change is worth 2x the points. */
export const LINES_DIVISOR = 5;
/** ln(1 + files) / 2: touching many files adds coordination, slowly. */
export const FILES_DIVISOR = 2;
/** No single PR is worth more than a large story. */
export const POINTS_CAP = 13;

export function sizePoints(effectiveLines: number, files: number): number {
  const raw =
    POINTS_BASE +
    Math.sqrt(Math.max(0, effectiveLines)) / LINES_DIVISOR +
    Math.log(1 + Math.max(0, files)) / FILES_DIVISOR;
  return Math.round(Math.min(POINTS_CAP, raw) * 10) / 10;
}
