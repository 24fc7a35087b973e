import { expect, it } from 'vitest';
import { personRedactor, redactStrings, REDACTED_PERSON } from './redact-people.js';

it('replaces every name and id, longest first and case-insensitively, in every string and key', () => {
  const redact = personRedactor(['Ana Silva', 'ana.silva', 'Ana', 'bo']);
  const out = redactStrings(
    { 'case ANA.SILVA-1': ['Signed off by ana silva', 'alert-0001', 3, null], note: 'Boring' },
    redact,
  );
  expect(out).toEqual({
    [`case ${REDACTED_PERSON}-1`]: [`Signed off by ${REDACTED_PERSON}`, 'alert-0001', 3, null],
    // Identifiers under 4 characters ("Ana", "bo") would match inside words: left alone.
    note: 'Boring',
  });
  expect(personRedactor([])('Ana Silva')).toBe('Ana Silva');
  // Characters special to a regular expression are matched as text.
  expect(personRedactor(['a.b+c (x)'])('id a.b+c (x) and aXb+c')).toBe(`id ${REDACTED_PERSON} and aXb+c`);
});
