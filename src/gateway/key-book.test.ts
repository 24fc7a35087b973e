import { describe, expect, it } from 'vitest';
import { hashToken } from '../server/tokens.js';
import { KeyBook } from './key-book.js';
import { expiryOf } from './key-spec.js';
import { claudeCodeSession, requestTags } from './tags.js';

const entry = (key: string, over: Partial<Parameters<KeyBook['load']>[0][number]> = {}) => ({
  id: 'key_1',
  hash: hashToken(key),
  team: 'payments',
  person: null,
  workflow: null,
  workloadType: null,
  models: null,
  expiresAt: null,
  sandbox: false,
  budgetUsd: null,
  alertAt: null,
  capUsd: null,
  ...over,
});

describe('key book', () => {
  it('refuses a key revoked after it was used: what it remembers of presented keys goes with each load', () => {
    const book = new KeyBook();
    book.load([entry('sk-mlg-a'), entry('sk-mlg-b', { id: 'key_2' })]);
    expect(book.check('sk-mlg-a', null)).toMatchObject({ ok: true, key: { id: 'key_1' } });
    expect(book.check('sk-mlg-a', null)).toMatchObject({ ok: true, key: { id: 'key_1' } });
    book.load([entry('sk-mlg-b', { id: 'key_2' })]);
    expect(book.check('sk-mlg-a', null)).toEqual({ ok: false, refusal: { kind: 'unknown_key' } });
    expect(book.check('sk-mlg-b', null)).toMatchObject({ ok: true, key: { id: 'key_2' } });
    // The same key with new attribution: the new entry, not the remembered one.
    book.load([entry('sk-mlg-b', { id: 'key_2', team: 'search' })]);
    expect(book.check('sk-mlg-b', null)).toMatchObject({ ok: true, key: { team: 'search' } });
  });

  it('checks presence, revocation (absence from the loaded set), expiry and the allow-list', () => {
    const book = new KeyBook();
    book.load([
      entry('sk-mlg-a'),
      entry('sk-mlg-b', { expiresAt: '2026-01-01T00:00:00.000Z' }),
      entry('sk-mlg-c', { models: ['gpt-5'] }),
    ]);
    const now = Date.parse('2026-06-01T00:00:00Z');
    expect(book.check(null, 'x', now)).toEqual({ ok: false, refusal: { kind: 'no_key' } });
    expect(book.check('sk-mlg-zzz', 'x', now)).toEqual({ ok: false, refusal: { kind: 'unknown_key' } });
    expect(book.check('sk-mlg-a', null, now).ok).toBe(true);
    expect(book.check('sk-mlg-b', 'x', now)).toMatchObject({ ok: false, refusal: { kind: 'expired' } });
    expect(book.check('sk-mlg-c', 'gpt-5', now).ok).toBe(true);
    expect(book.check('sk-mlg-c', 'gpt-5-pro', now)).toMatchObject({
      ok: false,
      refusal: { kind: 'model_not_allowed' },
    });
    book.load([entry('sk-mlg-b')]);
    expect(book.check('sk-mlg-a', null, now)).toEqual({ ok: false, refusal: { kind: 'unknown_key' } });
  });
});

describe('--expires', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  it.each([
    ['30d', '2026-07-01T12:00:00.000Z'],
    ['12h', '2026-06-02T00:00:00.000Z'],
    ['2026-12-31', '2026-12-31T23:59:59.999Z'],
    ['2026-12-31T18:00:00+02:00', '2026-12-31T16:00:00.000Z'],
    ['soon', null],
  ])('%s → %s', (text, want) => expect(expiryOf(text, now)).toBe(want));
});

describe('request tags', () => {
  it("reads Claude Code's session from metadata.user_id, both spellings, and headers first", () => {
    expect(claudeCodeSession('user_9f_account_1234_session_3b1d6c1e-5a0b-4a57-9a0e-2f1b7c9d0e11')).toBe(
      '3b1d6c1e-5a0b-4a57-9a0e-2f1b7c9d0e11',
    );
    expect(claudeCodeSession('{"device_id":"d","session_id":"abc-123"}')).toBe('abc-123');
    expect(claudeCodeSession('someone')).toBeUndefined();
    expect(
      requestTags({ 'x-mileage-session': 's1', 'x-mileage-branch': 'feat/a' }, 'user_x_session_3b1d6c1e'),
    ).toEqual({
      sessionId: 's1',
      branch: 'feat/a',
      workflow: undefined,
    });
  });
});
