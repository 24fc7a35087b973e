import { describe, expect, it } from 'vitest';
import type { IndividualsVisibility } from '../domain/directory.js';
import { mergeSmallGroups, personVisibility, type Viewer } from './privacy.js';

describe('personVisibility', () => {
  const admin: Viewer = { role: 'admin' };
  const owner: Viewer = { role: 'owner' };
  const payManager: Viewer = { role: 'manager', teams: ['payments', 'risk'] };
  const otherManager: Viewer = { role: 'manager', teams: ['platform'] };
  const teamlessManager: Viewer = { role: 'manager' };
  const viewer: Viewer = { role: 'viewer', teams: ['payments'] };

  const table: [IndividualsVisibility, Viewer, string | null, 'named' | 'hidden'][] = [
    ['visible', viewer, 'payments', 'named'],
    ['visible', otherManager, null, 'named'],
    ['team', admin, 'payments', 'named'],
    ['team', owner, 'payments', 'named'],
    ['team', admin, null, 'named'],
    ['team', payManager, 'payments', 'named'],
    ['team', payManager, 'risk', 'named'],
    ['team', otherManager, 'payments', 'hidden'],
    ['team', teamlessManager, 'payments', 'hidden'],
    ['team', payManager, null, 'hidden'],
    ['team', viewer, 'payments', 'hidden'],
    ['hidden', admin, 'payments', 'hidden'],
    ['hidden', owner, 'payments', 'hidden'],
    ['hidden', payManager, 'payments', 'hidden'],
  ];
  it.each(table)('%s: %o sees a person of team %s as %s', (individuals, who, team, expected) => {
    expect(personVisibility({ individuals }, who, team)).toBe(expected);
  });
});

describe('mergeSmallGroups', () => {
  interface Row {
    name: string;
    people: number;
    cost: number;
  }
  const merge = (rows: Row[]): Row => ({
    name: 'other',
    people: rows.reduce((a, r) => a + r.people, 0),
    cost: rows.reduce((a, r) => a + r.cost, 0),
  });
  const fold = (rows: Row[], min = 5) => mergeSmallGroups(rows, min, (r) => r.people, merge);

  it('keeps large groups in order and folds every small one into a single "other" row, last', () => {
    const rows = [
      { name: 'a', people: 3, cost: 1 },
      { name: 'b', people: 12, cost: 2 },
      { name: 'c', people: 4, cost: 3 },
      { name: 'd', people: 5, cost: 4 },
    ];
    expect(fold(rows)).toEqual([
      { name: 'b', people: 12, cost: 2 },
      { name: 'd', people: 5, cost: 4 },
      { name: 'other', people: 7, cost: 4 },
    ]);
  });

  it('leaves rows untouched when none is small', () => {
    const rows = [{ name: 'a', people: 5, cost: 1 }];
    expect(fold(rows)).toEqual(rows);
    expect(fold([])).toEqual([]);
  });

  it('folds a lone small group too, so it is never shown under its own name', () => {
    expect(fold([{ name: 'tiny', people: 2, cost: 9 }])).toEqual([{ name: 'other', people: 2, cost: 9 }]);
  });

  it('keeps an "other" row that is itself below the minimum, merged, so totals still add up', () => {
    const out = fold([
      { name: 'big', people: 10, cost: 1 },
      { name: 'x', people: 1, cost: 2 },
      { name: 'y', people: 1, cost: 3 },
    ]);
    expect(out).toEqual([
      { name: 'big', people: 10, cost: 1 },
      { name: 'other', people: 2, cost: 5 },
    ]);
    expect(out.reduce((a, r) => a + r.cost, 0)).toBe(6);
  });

  it('rejects a minimum that is not a number', () => {
    expect(() => fold([], Number.NaN)).toThrow(RangeError);
  });
});
