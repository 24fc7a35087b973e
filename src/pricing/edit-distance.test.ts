import { describe, expect, it } from 'vitest';
import { editDistance, nearestIds } from './edit-distance.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['claude-sonet-4-6', 'claude-sonnet-4-6', 1],
    ['gpt-5', 'gpt-5', 0],
    ['gpt-4.1-mini', 'gpt-4.1-nano', 3],
  ])('%s → %s = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('nearestIds', () => {
  const ids = [
    'claude-sonnet-4-0',
    'claude-sonnet-4-5',
    'claude-sonnet-4-6',
    'claude-haiku-4-5',
    'gpt-5',
    'gpt-5-mini',
  ];

  it('puts the closest first and ignores snapshot dates', () => {
    expect(nearestIds('claude-sonet-4-6', ids)[0]).toBe('claude-sonnet-4-6');
    expect(nearestIds('claude-haiku-4-5-20991231', ids)[0]).toBe('claude-haiku-4-5');
    expect(nearestIds('Claude-Sonnet-4-7', ids)).toEqual([
      'claude-sonnet-4-6',
      'claude-sonnet-4-5',
      'claude-sonnet-4-0',
    ]);
  });

  it('offers nothing rather than noise', () => {
    expect(nearestIds('acme-support-ft-v3', ids)).toEqual([]);
  });
});
