import { Decimal } from 'decimal.js';

/** A decimal written as text (money in answers): compared as numbers, so '1.50' equals '1.5000000000'. */
const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

/**
 * Where two answers (JSON values) differ, as paths: money (decimal text) must be equal as decimals, floats
 * (shares, ratios, medians) equal within 1e-9 of their size (the engines sum floats in different orders, which
 * moves only the last bits), everything else identical. An empty list: the same answer.
 */
export function answerDifferences(a: unknown, b: unknown, path = '$'): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    const scale = Math.max(1, Math.abs(a), Math.abs(b));
    return Math.abs(a - b) <= 1e-9 * scale ? [] : [`${path}: ${a} ≠ ${b}`];
  }
  if (typeof a === 'string' && typeof b === 'string') {
    if (a === b) return [];
    if (DECIMAL_TEXT.test(a) && DECIMAL_TEXT.test(b) && new Decimal(a).equals(b)) return [];
    return [`${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`];
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${path}: ${a.length} items ≠ ${b.length} items`];
    return a.flatMap((x, i) => answerDifferences(x, b[i], `${path}[${i}]`));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) =>
      answerDifferences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`),
    );
  }
  return a === b ? [] : [`${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`];
}
