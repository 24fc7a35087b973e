/**
 * Audit answers name workflows, models, requirements and case ids; none of them should name a person, but a
 * case id, a reason or a bar's description is text someone wrote. Where the audience may not see people,
 * every person's name and id found in such text is replaced, so an audit output never names a person
 * whatever was written into it. Identifiers shorter than 4 characters are left alone (they would match
 * inside ordinary words).
 */
export const REDACTED_PERSON = '(a person)';

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A function that replaces every given identifier in a string, case-insensitively (identity when none). */
export function personRedactor(identifiers: readonly string[]): (text: string) => string {
  const usable = [...new Set(identifiers.map((i) => i.trim()).filter((i) => i.length >= 4))];
  if (usable.length === 0) return (text) => text;
  // Longest first, so "Ana Silva" is replaced whole before "Silva" could be.
  usable.sort((a, b) => b.length - a.length);
  const pattern = new RegExp(usable.map(escapeRegex).join('|'), 'gi');
  return (text) => text.replace(pattern, REDACTED_PERSON);
}

/** Every string of a JSON value (object keys included) through `redact`. */
export function redactStrings<T>(value: T, redact: (text: string) => string): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [redact(k), walk(x)]));
    return v;
  };
  return walk(value) as T;
}
