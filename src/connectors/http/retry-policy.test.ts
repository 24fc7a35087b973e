import { describe, expect, it } from 'vitest';
import { backoffMs, decideForStatus, retryAfterMs } from './retry-policy.js';

const NOW = Date.parse('2026-07-01T00:00:00Z');
const tuning = { baseDelayMs: 500, maxDelayMs: 4000, random: () => 0 };
const headers = (h: Record<string, string>) => new Headers(h);

describe('retry policy', () => {
  it.each([
    ['120', 120_000],
    ['0', 0],
    ['1.5', 1500],
    ['Wed, 01 Jul 2026 00:01:00 GMT', 60_000],
    ['Tue, 30 Jun 2026 00:00:00 GMT', 0], // a date in the past: retry now
    ['soon', null],
    ['-5', null],
  ])('Retry-After %j → %j ms', (value, ms) => {
    expect(retryAfterMs(value, NOW)).toBe(ms);
  });

  it('backoff doubles per attempt up to the cap; jitter adds up to half a step', () => {
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffMs(a, tuning))).toEqual([250, 500, 1000, 2000, 2000, 2000]);
    expect(backoffMs(0, { ...tuning, random: () => 0.999 })).toBe(500);
  });

  it.each([
    [500, {}, { retry: true, reason: 'server_error' }],
    [501, {}, { retry: false }],
    [503, { 'retry-after': '7' }, { retry: true, waitMs: 7000, serverAsked: true }],
    [404, {}, { retry: false }],
    [400, { 'retry-after': '7' }, { retry: false }],
    [429, {}, { retry: true, reason: 'rate_limit', serverAsked: false }],
    [403, {}, { retry: false }],
    [403, { 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '1782864000' }, { retry: false }],
  ])('HTTP %i with %j', (status, h, expected) => {
    expect(decideForStatus(status, headers(h), 0, NOW, tuning)).toMatchObject(expected);
  });
});
