import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiOver, demoStore, type DemoStore } from '../../../test/support/demo-store.js';
import { addDays } from '../../domain/time.js';
import type { BuiltServer } from '../run-server.js';
import { createToken } from '../tokens.js';
import type * as SpendFromModule from '../../metrics/spend-from.js';

type SpendFrom = typeof SpendFromModule;

/**
 * What the server does to be fast must not change a single answer. Joining only the directory tables a
 * statement's labels read (metrics/spend-from.ts, instead of every one): every read endpoint — each catalog metric under each dimension, with
 * and without a team filter, for an admin and for a manager — answers byte for byte as a server that runs
 * every statement as written. The daily rollup behind /filters and the PRs' spend basis: the same values as
 * the ledger's entries give, computed here from the ledger.
 */
let demo: DemoStore;
let fast: BuiltServer;
let plain: BuiltServer;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  demo = await demoStore();
  const privacy = { individuals: 'team', minGroupSize: 3 } as const;
  fast = apiOver(demo.db, demo.directory, privacy, {}, 0);
  vi.resetModules();
  vi.doMock('../../metrics/spend-from.js', async (original: () => Promise<SpendFrom>) => {
    const m = await original();
    // Spend rows that are ledger relations have every column a join reads; a CTE given to spendJoins
    // (seats) has the people and teams only.
    const everything: SpendFrom = {
      ...m,
      spendFrom: (on, rel) => m.spendFrom(on, rel, ['people', 'teams', 'keys', 'workflows']),
      spendJoins: (on) => m.spendJoins(on, ['people', 'teams']),
      outcomeFrom: (on, _wanted, rows) => m.outcomeFrom(on, ['people', 'teams', 'workflows'], rows),
    };
    return everything;
  });
  const joinedAll = await import('../../../test/support/demo-store.js');
  plain = joinedAll.apiOver(demo.db, demo.directory, privacy, {}, 0);
  vi.doUnmock('../../metrics/spend-from.js');
  const team = demo.directory.teams[0]?.id ?? '';
  tokens.admin = (await createToken(demo.db, { role: 'admin', teams: null, name: 'a' })).token;
  tokens.manager = (await createToken(demo.db, { role: 'manager', teams: [team], name: 'm' })).token;
}, 120_000);
afterAll(async () => demo?.close());

async function get(
  server: BuiltServer,
  path: string,
  token: string,
): Promise<{ status: number; body: string }> {
  const res = await server.app.request(path, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.text() };
}

/**
 * The answer with float ratios to 12 significant digits: DuckDB sums doubles in parallel, in no fixed order,
 * so the last bits differ from run to run. Money is exact decimal text and compared as is.
 */
function settled(body: string): unknown {
  return JSON.parse(body, (_, v: unknown) =>
    typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v,
  );
}

async function readPaths(token: string, team: string): Promise<string[]> {
  const catalog = JSON.parse((await get(fast, '/api/v1/catalog', token)).body) as {
    metrics: { id: string; dims: string[]; queryable: boolean }[];
  };
  const base = ['/api/v1/filters', '/api/v1/reports/weekly', '/api/v1/workflows', '/api/v1/prs'];
  for (const m of catalog.metrics.filter((x) => x.queryable)) {
    base.push(`/api/v1/metrics/${m.id}`, ...m.dims.map((d) => `/api/v1/metrics/${m.id}?by=${d}`));
  }
  const prs = JSON.parse((await get(fast, '/api/v1/prs', token)).body) as { rows: { id: string }[] };
  const paths = [...base, ...prs.rows.slice(0, 5).map((r) => `/api/v1/prs/${encodeURIComponent(r.id)}`)];
  for (const p of base) paths.push(`${p}${p.includes('?') ? '&' : '?'}team=${team}&window=diagnostic`);
  return paths;
}

describe('API answers', () => {
  it.each(['admin', 'manager'])(
    'are the same with and without the speed-ups, for an %s',
    async (who) => {
      const token = tokens[who] as string;
      // A manager filters on their own team (another team is refused, 403); an admin on any.
      const team = demo.directory.teams[who === 'manager' ? 0 : 1]?.id ?? '';
      const paths = await readPaths(token, team);
      expect(paths.length).toBeGreaterThan(80);
      let ok = 0;
      for (const path of paths) {
        const [a, b] = [await get(fast, path, token), await get(plain, path, token)];
        expect(a.status, path).toBe(b.status);
        expect(settled(a.body), path).toEqual(settled(b.body));
        if (a.status === 200) ok++;
      }
      expect(ok).toBeGreaterThan(paths.length * 0.9);
    },
    240_000,
  );

  it('lists the teams, tools and models of the window as the ledger has them', async () => {
    // A year, a week, a day, a window past the data: the lists come from a per-day index kept per data version.
    const [last] = await demo.db.query('SELECT CAST(max(day) AS VARCHAR) AS d FROM ledger');
    const end = String(last?.d);
    const windows = [
      ['2026-01-01', '2027-01-01'],
      [addDays(end, -20), addDays(end, -13)],
      [addDays(end, -3), addDays(end, -2)],
      [addDays(end, 40), addDays(end, 50)],
    ] as const;
    for (const [since, until] of windows) {
      const res = JSON.parse(
        (await get(fast, `/api/v1/filters?since=${since}&until=${until}`, tokens.admin as string)).body,
      ) as Record<string, string[]>;
      for (const [key, column] of [
        ['teams', 'team_id'],
        ['tools', 'tool'],
        ['models', 'model'],
      ] as const) {
        const rows = await demo.db.query(
          `SELECT DISTINCT ${column} AS v FROM ledger WHERE day >= DATE '${since}' AND day < DATE '${until}' AND ${column} IS NOT NULL ORDER BY 1`,
        );
        if (since === '2026-01-01') expect(rows.length).toBeGreaterThan(0);
        expect(res[key], `${key} ${since}..${until}`).toEqual(rows.map((r) => String(r.v)));
      }
    }
  });

  it("gives each PR its author's spend basis over the window's ledger entries", async () => {
    const res = JSON.parse(
      (await get(fast, '/api/v1/prs?window=diagnostic', tokens.admin as string)).body,
    ) as {
      window: { since: string; until: string };
      rows: { id: string; basis: string }[];
    };
    const expected = await demo.db.query(
      `SELECT o.id, coalesce(b.basis, 'none') AS basis FROM outcomes_identity o LEFT JOIN (
         SELECT person_id, CASE WHEN count(DISTINCT basis) = 1 THEN min(basis) ELSE 'mixed' END AS basis
         FROM ledger WHERE day >= CAST($since AS DATE) AND day < CAST($until AS DATE) AND NOT unpriced
           AND person_id IS NOT NULL AND workflow_id IS NULL GROUP BY 1) b USING (person_id)
       WHERE o.kind = 'pr_merged' AND o.day >= CAST($since AS DATE) AND o.day < CAST($until AS DATE)`,
      res.window,
    );
    const want = new Map(expected.map((r) => [String(r.id), String(r.basis)]));
    expect(res.rows.length).toBeGreaterThan(10);
    expect(new Set(res.rows.map((r) => r.basis)).size).toBeGreaterThan(0);
    for (const r of res.rows) expect(r.basis, r.id).toBe(want.get(r.id));
  });
});
