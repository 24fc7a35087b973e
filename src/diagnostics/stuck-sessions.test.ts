import { describe, expect, it } from 'vitest';
import { sharedDemoStore } from '../../test/support/demo-store.js';
import { stuckSessions } from './stuck-sessions.js';

const demo = sharedDemoStore();

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

describe('stuck sessions', () => {
  it("flags exactly the sessions at 10x or more of their cohort's median, computed here from the rollup", async () => {
    const window = { since: '2026-01-01', until: '2027-01-01' };
    const rows = await demo().db.query(
      `SELECT session_id, coalesce(tool, source) AS tool, team_id,
         input_tokens + cache_read_tokens + cache_write_tokens + output_tokens AS tokens
       FROM ledger_sessions WHERE day >= DATE '${window.since}' AND day < DATE '${window.until}'`,
    );
    const sessions = new Map<string, { cohort: string; tokens: number }>();
    for (const r of rows) {
      const key = `${String(r.session_id)}|${String(r.tool)}|${String(r.team_id)}`;
      const s = sessions.get(key) ?? { cohort: `${String(r.tool)}|${String(r.team_id)}`, tokens: 0 };
      s.tokens += Number(r.tokens);
      sessions.set(key, s);
    }
    const cohorts = new Map<string, number[]>();
    for (const s of sessions.values()) cohorts.set(s.cohort, [...(cohorts.get(s.cohort) ?? []), s.tokens]);
    const expected = [...sessions.entries()]
      .filter(([, s]) => {
        const c = cohorts.get(s.cohort) ?? [];
        const m = median(c);
        return c.length >= 20 && m > 0 && s.tokens >= 10 * m;
      })
      .map(([key]) => key.split('|')[0])
      .sort();
    expect(expected.length).toBeGreaterThan(0);

    const found = await stuckSessions({
      db: demo().db,
      window,
      privacy: { individuals: 'visible', minGroupSize: 1 },
      viewer: { role: 'admin' },
    });
    expect(found.map((s) => s.session).sort()).toEqual(expected);
    for (const s of found) {
      expect(s.tokens).toBeGreaterThanOrEqual(10 * s.cohortMedian);
      expect(s.cohortMedian).toBe(median(cohorts.get(`${s.tool}|${String(s.teamId)}`) ?? []));
    }
  }, 60_000);
});
