import { describe, expect, it } from 'vitest';
import { SPEND_FROM } from './grouping.js';
import { pruneUnusedJoins } from './prune-joins.js';

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('pruneUnusedJoins', () => {
  it('keeps exactly the directory joins whose alias the statement reads', () => {
    const sql = `SELECT coalesce(t.name, l.team_id) AS label, sum(l.cost) FROM ${SPEND_FROM} WHERE l.day >= $since GROUP BY 1`;
    const pruned = squash(pruneUnusedJoins(sql));
    expect(pruned).toContain('LEFT JOIN dir_teams t ON t.team_id = l.team_id');
    expect(pruned).not.toContain('dir_people');
    expect(pruned).not.toContain('dir_keys');
    expect(pruned).not.toContain('dir_workflows');
    expect(pruned).toBe(
      'SELECT coalesce(t.name, l.team_id) AS label, sum(l.cost) FROM ledger_daily l LEFT JOIN dir_teams t ON t.team_id = l.team_id WHERE l.day >= $since GROUP BY 1',
    );
  });

  it.each([
    [
      'no directory label at all',
      `SELECT sum(l.cost) FROM ${SPEND_FROM}`,
      'SELECT sum(l.cost) FROM ledger_daily l',
    ],
    [
      'an alias used only in a filter',
      `SELECT sum(l.cost) FROM ${SPEND_FROM} WHERE k.owner IS NULL`,
      'SELECT sum(l.cost) FROM ledger_daily l LEFT JOIN dir_keys k ON k.key_hash = l.key_hash WHERE k.owner IS NULL',
    ],
    [
      'the same alias for another table elsewhere keeps the join',
      `SELECT sum(l.cost) FROM ${SPEND_FROM} UNION ALL SELECT count(*) FROM usage p WHERE p.cost > 0`,
      'SELECT sum(l.cost) FROM ledger_daily l LEFT JOIN dir_people p ON p.person_id = l.person_id UNION ALL SELECT count(*) FROM usage p WHERE p.cost > 0',
    ],
    [
      'a join with more to its condition',
      'SELECT sum(l.cost) FROM ledger_daily l LEFT JOIN dir_teams t ON t.team_id = l.team_id AND l.day > $since',
      null,
    ],
    [
      'a join on something other than the id',
      'SELECT sum(l.cost) FROM ledger_daily l LEFT JOIN dir_people p ON p.team_id = l.team_id',
      null,
    ],
    [
      'a join on an expression',
      'SELECT sum(s.cost) FROM s LEFT JOIN dir_people p ON p.person_id = coalesce(s.person_id, d.person_id)',
      null,
    ],
  ])('%s', (_, sql, expected) => {
    expect(squash(pruneUnusedJoins(sql))).toBe(squash(expected ?? sql));
  });

  it('keeps a join used by one of two subqueries that both join under the same alias', () => {
    const sql = `SELECT * FROM (SELECT min(p.name) FROM ${SPEND_FROM}) a, (SELECT sum(l.cost) FROM ${SPEND_FROM}) b`;
    const pruned = pruneUnusedJoins(sql);
    expect(pruned.match(/LEFT JOIN dir_people p/g)).toHaveLength(2);
    expect(pruned).not.toContain('dir_workflows');
  });
});
