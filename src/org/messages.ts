import type { z } from 'zod';
import { looksLikeToken } from './secrets.js';

/**
 * Wording for zod's generic issues (the schema words its own where it knows better: money, ids, days).
 * Every message says what is wrong and what was expected, in the user's terms: "a list", not "array".
 */
const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
};

/** Passed to `safeParse` as its error map; returning undefined keeps zod's own message. */
export function zodMessage(iss: z.core.$ZodRawIssue): string | undefined {
  if (iss.code === 'invalid_type') {
    const expected = EXPECTED[iss.expected] ?? iss.expected;
    return iss.input === undefined
      ? `missing: expected ${expected}`
      : `expected ${expected}, got ${describe(iss.input)}`;
  }
  if (iss.code === 'invalid_value') {
    return `expected one of ${iss.values.map(String).join(', ')}, got ${describe(iss.input)}`;
  }
  return undefined;
}

/**
 * A schema's own message for a field, that still says "missing" when the field is absent and shows what was
 * there otherwise: `expected a day as YYYY-MM-DD, got "tomorrow"`.
 */
export function expecting(what: string): (iss: { input?: unknown }) => string {
  return (iss) =>
    iss.input === undefined ? `missing: expected ${what}` : `expected ${what}, got ${describe(iss.input)}`;
}

/** The message for a key the schema does not know, with the keys it does know at that place (if known). */
export function unknownFieldMessage(key: string, known: readonly string[] | undefined): string {
  const close = known ? closest(key, known) : undefined;
  const hint = close ? `did you mean "${close}"? ` : '';
  return known ? `unknown field "${key}" (${hint}expected: ${known.join(', ')})` : `unknown field "${key}"`;
}

/**
 * A short, safe description of a wrong value. Long strings are not echoed: they may be a token pasted in
 * the wrong place, and issues end up in terminals and CI logs.
 */
export function describe(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      if (looksLikeToken(value)) return 'a value that looks like a secret';
      return value.length <= 40 ? `"${value}"` : 'a long text';
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

/** The known name closest to a typo (`tema` → `team`), if one is within two edits. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}
