import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOver, demoStore, type DemoStore } from '../../../test/support/demo-store.js';
import type { BuiltServer } from '../run-server.js';
import { createToken, type Role } from '../tokens.js';

let demo: DemoStore;
let hidden: BuiltServer;
const tokens: Record<string, string> = {};

async function make(role: Role, teams: string[] | null = null): Promise<string> {
  return (await createToken(demo.db, { role, teams, name: `${role} test` })).token;
}

beforeAll(async () => {
  demo = await demoStore();
  hidden = apiOver(
    demo.db,
    demo.directory,
    { individuals: 'hidden', minGroupSize: 3 },
    {},
    undefined,
    demo.orgFile,
  );
  tokens.admin = await make('admin');
  tokens.viewer = await make('viewer');
  tokens.ingest = await make('ingest');
  tokens.manager = await make('manager', ['payments']);
}, 120_000);
afterAll(async () => demo?.close());

function get(server: BuiltServer, path: string, token?: string): Promise<Response> {
  return Promise.resolve(
    server.app.request(path, { headers: token ? { authorization: `Bearer ${token}` } : {} }),
  );
}

/** Every read endpoint the dashboard uses, each metric under each dimension it supports. */
async function readPaths(server: BuiltServer, token: string): Promise<string[]> {
  const catalog = (await (await get(server, '/api/v1/catalog', token)).json()) as {
    metrics: { id: string; dims: string[]; queryable: boolean }[];
  };
  const paths = [
    '/api/v1/me',
    '/api/v1/catalog',
    '/api/v1/filters',
    '/api/v1/reports/weekly',
    '/api/v1/workflows',
    // The model-selection audit: stored runs, the demo's recorded run, quality bars with their versions.
    '/api/v1/audits',
    '/api/v1/audits?workflow=alert-triage',
    '/api/v1/audits/audit-demo-alert-triage',
    '/api/v1/quality-bars',
    '/api/v1/quality-bars/alert-triage',
  ];
  for (const m of catalog.metrics.filter((x) => x.queryable)) {
    paths.push(`/api/v1/metrics/${m.id}`);
    for (const d of m.dims) paths.push(`/api/v1/metrics/${m.id}?by=${d}`);
  }
  const prs = (await (await get(server, '/api/v1/prs', token)).json()) as { rows: { id: string }[] };
  paths.push('/api/v1/prs', ...prs.rows.slice(0, 15).map((r) => `/api/v1/prs/${r.id}`));
  return paths;
}

/** What would identify a demo person: names, ids, emails, git names, logins, key ids (case-insensitive). */
function personStrings(): string[] {
  const out = new Set<string>();
  for (const p of demo.directory.people) {
    out.add(p.name.toLowerCase());
    out.add(p.id.toLowerCase());
    for (const a of p.aliases) if (a.kind !== 'tracker_id') out.add(a.value.toLowerCase());
  }
  return [...out].filter((s) => s.length >= 4);
}

describe('API access', () => {
  it('answers 401 without a token or with an unknown one, on every API route', async () => {
    const paths = await readPaths(hidden, tokens.admin as string);
    expect(paths.length).toBeGreaterThan(40);
    for (const path of [...paths, '/api/v1/tokens', '/api/v1/nope']) {
      const none = await get(hidden, path);
      expect(none.status, path).toBe(401);
      expect(((await none.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
      expect((await get(hidden, path, 'mlg_not-a-real-token')).status, path).toBe(401);
    }
    const post = await hidden.app.request('/api/v1/ingest/usage', { method: 'POST', body: '[]' });
    expect(post.status).toBe(401);
  });

  it('names no demo person to a viewer when individuals are hidden, on any endpoint', async () => {
    const people = personStrings();
    expect(people.length).toBeGreaterThan(30);
    // The admin sees names where privacy allows them: with individuals visible, some do appear.
    const visible = apiOver(demo.db, demo.directory, { individuals: 'visible', minGroupSize: 3 });
    const named = await (await get(visible, '/api/v1/metrics/spend.total?by=person', tokens.viewer)).text();
    expect(people.some((p) => named.toLowerCase().includes(p))).toBe(true);

    for (const path of await readPaths(hidden, tokens.viewer as string)) {
      const res = await get(hidden, path, tokens.viewer);
      expect(res.status, path).toBe(200);
      const text = (await res.text()).toLowerCase();
      const leaked = people.filter((p) => text.includes(p));
      expect(leaked, path).toEqual([]);
    }
  }, 120_000);

  it('withholds each PR’s cost (one author’s spend) when individuals are hidden, and shows it when visible', async () => {
    type PrList = { rows: { id: string; cost: string | null; evidence: string }[] };
    const hiddenPrs = (await (await get(hidden, '/api/v1/prs', tokens.viewer)).json()) as PrList;
    expect(hiddenPrs.rows.length).toBeGreaterThan(10);
    expect(hiddenPrs.rows.every((r) => r.cost === null)).toBe(true);
    const one = (await (
      await get(hidden, `/api/v1/prs/${String(hiddenPrs.rows[0]?.id)}`, tokens.viewer)
    ).json()) as { cost: { amount: string | null } };
    expect(one.cost.amount).toBeNull();

    const visible = apiOver(demo.db, demo.directory, { individuals: 'visible', minGroupSize: 3 });
    const shown = (await (await get(visible, '/api/v1/prs', tokens.viewer)).json()) as PrList;
    expect(shown.rows.filter((r) => r.cost !== null && Number(r.cost) > 0).length).toBeGreaterThan(10);
    expect(new Set(shown.rows.map((r) => r.evidence))).not.toContain('undefined');
  }, 120_000);

  it('shows a manager only their teams', async () => {
    const m = tokens.manager as string;
    const me = (await (await get(hidden, '/api/v1/me', m)).json()) as { role: string; teams: string[] };
    expect(me).toMatchObject({ role: 'manager', teams: ['payments'] });
    const filters = (await (await get(hidden, '/api/v1/filters', m)).json()) as { teams: string[] };
    expect(filters.teams).toEqual(['payments']);

    const table = async (path: string, token: string) =>
      (
        (await (await get(hidden, path, token)).json()) as {
          table: { rows: { key: string; values: Record<string, unknown> }[] };
        }
      ).table;
    const byTeam = await table('/api/v1/metrics/spend.total?by=team', m);
    expect(byTeam.rows.map((r) => r.key)).toEqual(['payments']);
    // Asking for another team is refused (403), not answered as if the store were empty (issue 19 item 13).
    for (const path of [
      '/api/v1/metrics/spend.total?by=team&team=platform',
      '/api/v1/reports/weekly?team=platform',
      '/api/v1/reports/weekly?team=payments,platform',
    ]) {
      const res = await get(hidden, path, m);
      expect(res.status, path).toBe(403);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain('platform');
    }

    // The manager's total equals payments' spend in the ledger over the same window, summed here.
    const body = (await (await get(hidden, '/api/v1/metrics/spend.total?by=tool', m)).json()) as {
      table: { window: { since: string; until: string }; rows: { values: { cost: string } }[] };
    };
    const [expected] = await demo.db.query(
      `SELECT CAST(sum(cost) AS VARCHAR) AS c FROM ledger WHERE team_id = 'payments' AND NOT unpriced
       AND day >= CAST($since AS DATE) AND day < CAST($until AS DATE)`,
      body.table.window,
    );
    const total = body.table.rows.reduce((a, r) => a + Number(r.values.cost), 0);
    expect(total).toBeCloseTo(Number(expected?.c), 6);

    const prs = (await (await get(hidden, '/api/v1/prs', m)).json()) as { rows: { team: string }[] };
    expect(prs.rows.length).toBeGreaterThan(0);
    expect(new Set(prs.rows.map((r) => r.team))).toEqual(new Set(['payments']));
    const [foreign] = await demo.db.query(
      "SELECT id FROM outcomes_identity WHERE kind = 'pr_merged' AND team_id = 'platform' LIMIT 1",
    );
    expect((await get(hidden, `/api/v1/prs/${String(foreign?.id)}`, m)).status).toBe(404);
    const weekly = (await (await get(hidden, '/api/v1/reports/weekly', m)).json()) as {
      window: { since: string; until: string };
      headline: { spend: string };
    };
    const [paymentsWeekly] = await demo.db.query(
      `SELECT CAST(sum(cost) AS VARCHAR) AS c FROM ledger WHERE team_id = 'payments' AND NOT unpriced
       AND day >= CAST($since AS DATE) AND day < CAST($until AS DATE)`,
      weekly.window,
    );
    expect(Number(weekly.headline.spend)).toBeCloseTo(Number(paymentsWeekly?.c), 6);
  }, 60_000);

  it("names a manager's own team's people in team mode, and nobody else's (issue 19 item 13)", async () => {
    const team = apiOver(demo.db, demo.directory, { individuals: 'team', minGroupSize: 3 });
    const payments = demo.directory.people.filter((p) => p.team === 'payments').map((p) => p.name);
    const others = demo.directory.people.filter((p) => p.team !== 'payments').map((p) => p.name);
    expect(payments.length).toBeGreaterThan(0);
    const rows = async (token: string) => {
      const res = await get(team, '/api/v1/metrics/effectiveness.cost_per_merged_pr?by=person', token);
      expect(res.status).toBe(200);
      return (await res.json()) as { table: { by: string; rows: { label: string }[] } };
    };
    const mine = await rows(tokens.manager as string);
    expect(mine.table.by).toBe('person');
    const labels = mine.table.rows.map((r) => r.label);
    expect(labels.some((l) => payments.includes(l))).toBe(true);
    expect(labels.filter((l) => others.includes(l))).toEqual([]);
    // A viewer sees teams instead; in hidden mode the manager sees nobody named either.
    expect((await rows(tokens.viewer as string)).table.by).toBe('team');
    const hiddenRes = await get(
      hidden,
      '/api/v1/metrics/effectiveness.cost_per_merged_pr?by=person',
      tokens.manager,
    );
    expect(((await hiddenRes.json()) as { table: { by: string } }).table.by).toBe('team');
  });

  it("lets an admin ask for a manager's view (audience=manager:TEAM), and no one else", async () => {
    const team = apiOver(demo.db, demo.directory, { individuals: 'team', minGroupSize: 3 });
    const path = '/api/v1/metrics/effectiveness.cost_per_merged_pr?by=person';
    const asManager = await get(team, `${path}&audience=manager:payments`, tokens.admin);
    expect(asManager.status).toBe(200);
    const manager = await get(team, path, tokens.manager);
    expect(await asManager.json()).toEqual(await manager.json());
    const byTeam = (await (
      await get(team, '/api/v1/metrics/spend.total?by=team&audience=manager:payments', tokens.admin)
    ).json()) as { table: { rows: { key: string }[] } };
    expect(byTeam.table.rows.map((r) => r.key)).toEqual(['payments']);
    expect((await get(team, `${path}&audience=manager:payments`, tokens.viewer)).status).toBe(403);
    expect((await get(team, `${path}&audience=everyone`, tokens.admin)).status).toBe(400);
  });

  it('lets an ingest-only token read nothing', async () => {
    for (const path of await readPaths(hidden, tokens.admin as string)) {
      const res = await get(hidden, path, tokens.ingest);
      expect(res.status, path).toBe(403);
      const body = await res.text();
      expect(body).toMatch(/"forbidden"/);
      expect(body).not.toMatch(/payments|claude/);
    }
    expect((await get(hidden, '/api/v1/tokens', tokens.ingest)).status).toBe(403);
  }, 60_000);

  it('gives the same answer to SQL metacharacters in filters as to an unknown value, with no error leak', async () => {
    const a = tokens.admin as string;
    const nasty = [
      "' OR 1=1 --",
      "x'); DROP TABLE usage; --",
      '"; SELECT * FROM api_tokens; --',
      "payments' OR team_id IS NOT NULL OR '",
      '$mf_team0',
      '\\',
    ];
    const [before] = await demo.db.query('SELECT count(*) AS n FROM usage');
    for (const param of ['team', 'tool', 'model']) {
      for (const path of [
        '/api/v1/metrics/spend.total?by=team',
        '/api/v1/metrics/effectiveness.cost_per_merged_pr?by=team',
        '/api/v1/prs',
        '/api/v1/reports/weekly',
        '/api/v1/workflows',
        '/api/v1/filters',
      ]) {
        const sep = path.includes('?') ? '&' : '?';
        const unknown = await get(hidden, `${path}${sep}${param}=no-such-value`, a);
        const reference = await unknown.text();
        for (const value of nasty) {
          const res = await get(hidden, `${path}${sep}${param}=${encodeURIComponent(value)}`, a);
          const text = await res.text();
          expect(res.status, `${path} ${param}=${value}`).toBe(unknown.status);
          expect(text, `${path} ${param}=${value}`).toBe(reference);
        }
      }
    }
    const [after] = await demo.db.query('SELECT count(*) AS n FROM usage');
    expect(after?.n).toBe(before?.n);
  }, 120_000);

  it('answers 400 naming the parameter for bad parameters', async () => {
    const a = tokens.admin as string;
    for (const [q, name] of [
      ['since=2026-13-01', 'since'],
      ['until=yesterday', 'until'],
      ['by=colour', 'by'],
    ] as const) {
      const res = await get(hidden, `/api/v1/metrics/spend.total?${q}`, a);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('bad_request');
      expect(body.error.message).toContain(name);
    }
    for (const [q, name] of [
      ['limit=0', 'limit'],
      ['limit=2001', 'limit'],
      ['offset=-1', 'offset'],
      ['limit=1e3', 'limit'],
    ] as const) {
      const res = await get(hidden, `/api/v1/prs?${q}`, a);
      expect(res.status, q).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.message, q).toContain(name);
    }
    expect((await get(hidden, '/api/v1/metrics/no.such.metric', a)).status).toBe(404);
  });
});
