import { describe, expect, it } from 'vitest';
import type { Db } from '../store/db.js';
import { sharedDemoStore } from '../../test/support/demo-store.js';
import { filteredDb } from './filter.js';
import { relation } from './relations.js';

/**
 * A team filter narrows outcomes to those whose actor is one of the team's people: the team the
 * outcomes_identity view gives each outcome. The filter reaches it by the teams' aliases, not by that view.
 * A statement reads the narrowed relation only through `relation(…)`: the store's own name is the whole table.
 */
const demo = sharedDemoStore();

describe('the team filter on outcomes', () => {
  it('keeps exactly the outcomes the identity view gives to the teams asked for, each once', async () => {
    const teams = (await demo().db.query('SELECT team_id FROM dir_teams ORDER BY 1')).map((r) =>
      String(r.team_id),
    );
    expect(teams.length).toBeGreaterThan(1);
    const ids = async (db: Db, sql: string, params = {}) =>
      (await db.query(sql, params)).map((r) => String(r.id));
    for (const asked of [[teams[0] ?? ''], teams.slice(0, 2), []]) {
      const filtered = filteredDb(demo().db, { teams: asked });
      const through = await ids(
        filtered,
        `SELECT id FROM ${relation({ db: filtered }, 'outcomes')} ORDER BY id`,
      );
      const params = Object.fromEntries(asked.map((t, i) => [`t${i}`, t]));
      const expected = asked.length
        ? await ids(
            demo().db,
            `SELECT id FROM outcomes_identity WHERE team_id IN (${asked.map((_, i) => `$t${i}`).join(', ')}) ORDER BY id`,
            params,
          )
        : [];
      expect(through).toEqual(expected);
      if (asked.length) expect(through.length).toBeGreaterThan(0);
    }
  });
});
