import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgDirectory, Privacy } from '../../src/domain/directory.js';
import { addDays, type DayWindow } from '../../src/domain/time.js';
import type { BuiltServer } from '../../src/server/run-server.js';
import { createToken } from '../../src/server/tokens.js';
import { apiOver, type DemoStore } from './demo-store.js';
import { identifies, smallTeamDemo, type Dim, type Filter, type Truth } from './privacy-truth.js';

/**
 * Issue 19's privacy bar over the API, as a generated matrix: every endpoint, every metric of the catalog
 * under every dimension it takes (read from /api/v1/catalog, so a new metric or dimension is covered without
 * editing this file), with no filter, every single filter value (team, tool, model) and every pair of them,
 * for several audiences, on a demo organisation whose teams include some below the minimum group size (one
 * of them a team of one). No answer may name a person the audience may not see, serve a filter that selects
 * a group below the minimum, show a row (or the "other" row) of fewer people, list a small group among the
 * filter values, or differ from a wider answer by a group below the minimum.
 *
 * The ground truth (who is behind each group) is read from the store's base relations by
 * test/support/privacy-truth.ts, apart from the code under test. Requests go through `app.request()`.
 * By default (to keep `npm test` short on two cores) the viewer under `hidden` gets every endpoint and
 * dimension with every single filter, and every pair of filters on every endpoint without a dimension and
 * by team and key; the other audiences get singles only. Of the pairs, each endpoint asks every pair near the
 * minimum (a pair that selects a group below the minimum, or differs from one of its parents by one: the
 * answers that must be withheld, where a leak happens) and a quarter of the others, a different quarter per
 * endpoint, so every pair is still asked by some endpoint in every run. PRIVACY_MATRIX=full asks every pair of filters under every
 * dimension of every audience (about 20,000 requests, some 15 minutes).
 */
const MIN = 3;
const FULL = process.env.PRIVACY_MATRIX === 'full';

interface Audience {
  name: string;
  privacy: Privacy;
  role: 'admin' | 'viewer' | 'manager';
  teams?: string[];
  /** Pairs of filters too (the heaviest part of the matrix). */
  pairs: boolean;
}

export const AUDIENCES: Audience[] = [
  {
    name: 'viewer, hidden',
    privacy: { individuals: 'hidden', minGroupSize: MIN },
    role: 'viewer',
    pairs: true,
  },
  {
    name: 'admin, hidden',
    privacy: { individuals: 'hidden', minGroupSize: MIN },
    role: 'admin',
    pairs: FULL,
  },
  { name: 'viewer, team', privacy: { individuals: 'team', minGroupSize: MIN }, role: 'viewer', pairs: FULL },
  {
    name: 'manager of payments and solo, hidden',
    privacy: { individuals: 'hidden', minGroupSize: MIN },
    role: 'manager',
    teams: ['payments', 'solo'],
    pairs: FULL,
  },
];

type Kind = 'names' | 'filter' | 'row' | 'other' | 'listed' | 'difference' | 'small-team-named';
interface Violation {
  audience: string;
  kind: Kind;
  path: string;
  detail: string;
}

let demo: DemoStore;
let directory: OrgDirectory;
let truth: Truth;
let window: DayWindow;
const summary: Record<string, { requests: number; violations: Record<string, number> }> = {};
const samples: Violation[] = [];

/** What would identify a person: names, ids, emails, logins, key ids (case-insensitive, 4+ characters). */
function identifiersOf(people: OrgDirectory['people']): string[] {
  const out = new Set<string>();
  for (const p of people) {
    out.add(p.name.toLowerCase());
    out.add(p.id.toLowerCase());
    for (const a of p.aliases) if (a.kind !== 'tracker_id') out.add(a.value.toLowerCase());
  }
  return [...out].filter((s) => s.length >= 4);
}

/** The people this audience may not see named. */
function hiddenPeople(a: Audience): OrgDirectory['people'] {
  if (a.privacy.individuals === 'visible') return [];
  if (a.privacy.individuals === 'hidden') return directory.people;
  if (a.role === 'admin') return [];
  if (a.role === 'manager') return directory.people.filter((p) => !(a.teams ?? []).includes(p.team ?? ''));
  return directory.people;
}

/** Every string in a JSON value (keys included), but a finding's section (`data` is a section and a team). */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      if (k === 'section') continue;
      out.push(k);
      strings(x, out);
    }
  return out;
}

const qs = (filter: Filter, extra: Record<string, string> = {}) => {
  const p = new URLSearchParams({ since: window.since, until: window.until, ...extra });
  for (const t of filter.teams ?? []) p.append('team', t);
  for (const t of filter.tools ?? []) p.append('tool', t);
  for (const t of filter.models ?? []) p.append('model', t);
  return p.toString();
};

/** Singles and pairs of filter values, from the data of the window (every team of the org file too). */
function filters(pairs: boolean): Filter[] {
  const facts = truth.facts0(window, {});
  const tools = [...new Set(facts.map((f) => f.tool).filter((x): x is string => x !== null))].sort();
  const models = [...new Set(facts.map((f) => f.model).filter((x): x is string => x !== null))].sort();
  const teams = directory.teams.map((t) => t.id);
  const singles: Filter[] = [
    ...teams.map((t) => ({ teams: [t] })),
    ...tools.map((t) => ({ tools: [t] })),
    ...models.map((m) => ({ models: [m] })),
  ];
  const out: Filter[] = [{}, ...singles];
  if (!pairs) return out;
  for (let i = 0; i < singles.length; i++) {
    for (let j = i + 1; j < singles.length; j++) {
      const a = singles[i] as Filter;
      const b = singles[j] as Filter;
      const merged: Filter = {};
      for (const k of ['teams', 'tools', 'models'] as const) {
        const v = [...(a[k] ?? []), ...(b[k] ?? [])];
        if (v.length) merged[k] = v;
      }
      // Two values of the same dimension (team=a,b) or two dimensions (team=a&tool=x).
      out.push(merged);
    }
  }
  return out;
}

/**
 * The filters an endpoint asks: the singles, every pair that must be withheld, and one quarter of the others chosen
 * by the endpoint's position, so the quarters rotate over the endpoints and every pair is asked somewhere.
 * `all` starts with the unfiltered view and the singles (see `filters`), so a pair's index past them is stable.
 */
function pairSample(all: Filter[], unfilteredAndSingles: number): (endpointIndex: number) => Filter[] {
  if (FULL) return () => all;
  const head = all.slice(0, unfilteredAndSingles);
  const pairs = all.slice(unfilteredAndSingles);
  const nearMinimum = pairs.map(
    (f) =>
      identifies(truth.population(window, f), MIN) ||
      parents(f).some((p) => identifies(truth.difference(window, p, f), MIN)),
  );
  return (endpointIndex) => [
    ...head,
    ...pairs.filter((_, i) => nearMinimum[i] || (i + endpointIndex) % 4 === 0),
  ];
}

/** Parents of a filter: it with one value or one dimension taken away (what a difference would be taken from). */
function parents(f: Filter): Filter[] {
  const out: Filter[] = [];
  for (const k of ['teams', 'tools', 'models'] as const) {
    const v = f[k];
    if (!v) continue;
    const { [k]: _drop, ...rest } = f;
    out.push(rest);
    if (v.length > 1) for (const x of v) out.push({ ...f, [k]: v.filter((y) => y !== x) });
  }
  return out;
}

const filterKey = (f: Filter) =>
  JSON.stringify({ teams: f.teams ?? null, tools: f.tools ?? null, models: f.models ?? null });

interface Endpoint {
  id: string;
  path: string;
  by: string | null;
  /** Whether the answer depends on team/tool/model filters. */
  filtered: boolean;
}

async function endpoints(server: BuiltServer, token: string): Promise<Endpoint[]> {
  const catalog = (await (
    await server.app.request('/api/v1/catalog', { headers: { authorization: `Bearer ${token}` } })
  ).json()) as { metrics: { id: string; dims: string[]; queryable: boolean }[] };
  const out: Endpoint[] = [
    { id: 'me', path: '/api/v1/me', by: null, filtered: false },
    { id: 'filters', path: '/api/v1/filters', by: null, filtered: false },
    { id: 'weekly', path: '/api/v1/reports/weekly', by: null, filtered: true },
    { id: 'workflows', path: '/api/v1/workflows', by: null, filtered: true },
    { id: 'prs', path: '/api/v1/prs', by: null, filtered: true },
    // The model-selection audit: runs, the demo's recorded run and the quality bars (no team/tool/model filter).
    { id: 'audits', path: '/api/v1/audits', by: null, filtered: false },
    { id: 'audit-run', path: '/api/v1/audits/audit-demo-alert-triage', by: null, filtered: false },
    { id: 'quality-bars', path: '/api/v1/quality-bars', by: null, filtered: false },
    { id: 'quality-bar', path: '/api/v1/quality-bars/alert-triage', by: null, filtered: false },
  ];
  for (const m of catalog.metrics.filter((x) => x.queryable)) {
    out.push({ id: m.id, path: `/api/v1/metrics/${m.id}`, by: null, filtered: true });
    for (const d of m.dims)
      out.push({ id: `${m.id}?by=${d}`, path: `/api/v1/metrics/${m.id}`, by: d, filtered: true });
  }
  return out;
}

interface Answer {
  status: number;
  body: unknown;
}

/** The window an answer covers (a forecast's is its horizon, after the data: the data it read is the request's). */
function windowOf(body: unknown): DayWindow {
  const b = body as { table?: { window?: DayWindow }; window?: DayWindow } | null;
  const w = b?.table?.window ?? b?.window ?? window;
  return w.since >= window.until ? window : w;
}

/**
 * What a manager's answers are computed over: the teams asked for, else their scope as the API states it
 * (the teams /filters offers them: a team of theirs below the minimum is left out of their default view).
 */
const managerScope = new Map<string, string[]>();
function scoped(a: Audience, filter: Filter): Filter {
  if (a.role !== 'manager') return filter;
  return { ...filter, teams: filter.teams ?? managerScope.get(a.name) ?? [] };
}

/** The checks of one answer; violations are recorded, never thrown, so the whole matrix is measured. */
function check(
  a: Audience,
  ep: Endpoint,
  filter: Filter,
  path: string,
  ans: Answer,
  hidden: string[],
): Violation[] {
  const out: Violation[] = [];
  const add = (kind: Kind, detail: string) => out.push({ audience: a.name, kind, path, detail });
  // /me states the token's own teams: what the manager was given, not data.
  if (ans.status !== 200 || ep.id === 'me') return out;
  const text = JSON.stringify(ans.body).toLowerCase();
  for (const id of hidden) if (text.includes(id)) add('names', id);
  const w = windowOf(ans.body);
  const scope = scoped(a, filter);
  const protectedView = hidden.length > 0;
  if (!protectedView) return out;

  if (ep.filtered) {
    const n = truth.population(w, scope);
    if (identifies(n, MIN)) add('filter', `${filterKey(filter)}: ${n} people`);
  }
  // Teams below the minimum in this answer's window and scope must not be named anywhere in it.
  const teamPeople = truth.rows(
    w,
    ep.filtered ? scope : a.role === 'manager' ? { teams: a.teams ?? [] } : {},
    'team',
  );
  const all = strings(ans.body);
  for (const t of directory.teams) {
    const n = teamPeople.get(t.id)?.size ?? 0;
    if (!identifies(n, MIN)) continue;
    const named = all.some(
      (s) =>
        s === t.id ||
        s === t.name ||
        s.split('|')[0] === t.id ||
        new RegExp(`\\b(team|in) ${t.name}\\b`).test(s) ||
        s === `personal:${t.id}`,
    );
    if (named) add('small-team-named', `${t.id} (${n} people)`);
  }

  if (ep.id === 'filters') {
    const b = ans.body as { teams: string[]; tools: string[]; models: string[] };
    const base = scoped(a, {});
    for (const [dim, list] of [
      ['team', b.teams],
      ['tool', b.tools],
      ['model', b.models],
    ] as const) {
      const rows = truth.rows(w, base, dim);
      for (const v of list) {
        const n = rows.get(v)?.size ?? 0;
        if (identifies(n, MIN)) add('listed', `${dim} ${v}: ${n} people`);
      }
    }
  }

  const table = (ans.body as { table?: { by: string | null; rows: { key: string }[] } } | null)?.table;
  if (table?.by && Array.isArray(table.rows)) {
    const dim = table.by as Dim;
    const rows = truth.rows(w, scope, dim);
    const shown = new Set<string>();
    for (const r of table.rows) {
      const key = r.key.split('|')[0] ?? r.key;
      if (key === 'other' || key === 'all' || key === 'total') continue;
      shown.add(key);
      const n = rows.get(key)?.size ?? 0;
      if (identifies(n, MIN)) add('row', `by ${dim} ${key}: ${n} people`);
    }
    if (table.rows.some((r) => r.key.split('|')[0] === 'other')) {
      const rest = new Set<string>();
      for (const [k, people] of rows) if (!shown.has(k)) for (const p of people) rest.add(p);
      if (identifies(rest.size, MIN)) add('other', `by ${dim} other: ${rest.size} people`);
    }
  }
  return out;
}

/**
 * The matrix for some of the audiences (by name), in the calling test file. The audiences are split over two files
 * so that vitest's two workers share the matrix, the longest part of the suite; each file builds its own demo.
 */
export function describePrivacyMatrix(names: string[], resultName: string): void {
  const unknown = names.filter((n) => !AUDIENCES.some((a) => a.name === n));
  if (unknown.length) throw new Error(`privacy matrix: unknown audience ${unknown.join(', ')}`);
  beforeAll(async () => {
    let extent: { first: string; last: string };
    ({ demo, directory, truth, extent } = await smallTeamDemo());
    window = { since: addDays(extent.last, -27), until: addDays(extent.last, 1) };
  }, 240_000);

  afterAll(async () => {
    await demo?.close();
    await mkdir('test-results', { recursive: true });
    await writeFile(
      `test-results/privacy-matrix-${resultName}.json`,
      `${JSON.stringify({ summary, samples: samples.slice(0, 200) }, null, 2)}\n`,
    );
  });

  describe(`privacy matrix over the API (${names.join('; ')})`, () => {
    for (const a of AUDIENCES.filter((x) => names.includes(x.name))) {
      it(`${a.name}: no answer identifies a small group or a hidden person`, async () => {
        const server = apiOver(demo.db, directory, a.privacy, {}, undefined, demo.orgFile);
        const token = (await createToken(demo.db, { role: a.role, teams: a.teams ?? null, name: a.name }))
          .token;
        const headers = { authorization: `Bearer ${token}` };
        const hidden = identifiersOf(hiddenPeople(a));
        const eps = await endpoints(server, token);
        if (a.role === 'manager') {
          const offered = (await (
            await server.app.request(`/api/v1/filters?${qs({})}`, { headers })
          ).json()) as {
            teams: string[];
          };
          managerScope.set(a.name, offered.teams);
        }
        const singles = filters(false);
        const all = filters(a.pairs);
        const violations: Violation[] = [];
        const answered = new Map<string, Answer>();
        let requests = 0;

        const ask = async (ep: Endpoint, filter: Filter) => {
          const path = `${ep.path}?${qs(filter, ep.by ? { by: ep.by } : {})}`;
          const res = await server.app.request(path, { headers });
          const ans: Answer = { status: res.status, body: await res.json() };
          requests += 1;
          answered.set(`${ep.id}|${filterKey(filter)}`, ans);
          violations.push(...check(a, ep, filter, path, ans, hidden));
        };

        // PR drill-downs: a few of every team's, small ones included, as the admin would find them.
        const prs = (await (
          await server.app.request(`/api/v1/prs?${qs({}, { limit: '2000' })}`, { headers })
        ).json()) as {
          rows?: { id: string; team: string | null }[];
        };
        const byTeam = new Map<string, string[]>();
        const admin = (await createToken(demo.db, { role: 'admin', teams: null, name: 'matrix admin' }))
          .token;
        const adminPrs = (await (
          await server.app.request(`/api/v1/prs?${qs({}, { limit: '2000' })}`, {
            headers: { authorization: `Bearer ${admin}` },
          })
        ).json()) as { rows: { id: string; team: string | null }[] };
        for (const r of adminPrs.rows) {
          const list = byTeam.get(r.team ?? '') ?? [];
          if (list.length < 2) list.push(r.id);
          byTeam.set(r.team ?? '', list);
        }
        void prs;
        for (const id of [...byTeam.values()].flat()) {
          await ask(
            { id: `prs/${id}`, path: `/api/v1/prs/${encodeURIComponent(id)}`, by: null, filtered: true },
            {},
          );
        }

        const sampled = pairSample(all, singles.length);
        for (const [index, ep] of eps.entries()) {
          const list = !ep.filtered
            ? [{}]
            : ep.by === null || FULL || ep.by === 'team' || ep.by === 'key'
              ? sampled(index)
              : singles;
          for (const f of list) await ask(ep, f);
        }
        // Differences: an answer under a filter and one under a wider filter, both given, must not differ by a
        // group below the minimum.
        if (hidden.length > 0) {
          for (const ep of eps.filter((e) => e.filtered)) {
            for (const f of all) {
              const narrow = answered.get(`${ep.id}|${filterKey(f)}`);
              if (narrow?.status !== 200) continue;
              for (const p of parents(f)) {
                const wide = answered.get(`${ep.id}|${filterKey(p)}`);
                if (wide?.status !== 200) continue;
                const n = truth.difference(windowOf(narrow.body), scoped(a, p), scoped(a, f));
                if (identifies(n, MIN))
                  violations.push({
                    audience: a.name,
                    kind: 'difference',
                    path: `${ep.id}: ${filterKey(p)} − ${filterKey(f)}`,
                    detail: `${n} people`,
                  });
              }
            }
          }
        }
        const counts: Record<string, number> = {};
        for (const v of violations) counts[v.kind] = (counts[v.kind] ?? 0) + 1;
        summary[a.name] = { requests, violations: counts };
        const perKind = new Map<string, number>();
        for (const v of violations) {
          const n = perKind.get(v.kind) ?? 0;
          if (n < 15) samples.push(v);
          perKind.set(v.kind, n + 1);
        }
        process.stdout.write(
          `privacy matrix, ${a.name}: ${requests} requests, ${violations.length} violations ${JSON.stringify(counts)}\n`,
        );
        expect(requests).toBeGreaterThan(200);
        expect(violations.slice(0, 20)).toEqual([]);
      }, 1_200_000);
    }
  });
}
