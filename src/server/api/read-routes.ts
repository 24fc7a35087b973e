import { Hono } from 'hono';
import { CATALOG, findMetric } from '../../metrics/catalog.js';
import type { Dimension } from '../../metrics/query.js';
import { pickable, protectsGroups } from '../../metrics/privacy.js';
import { findQuery } from '../../metrics/registry.js';
import type { AppEnv } from '../auth.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { dayValues, valuesIn } from './filter-values.js';
import { csvDownload, tableFormat } from './table-answer.js';
import { cachedPersonFacts, metricContext, readScope, scopedTeams } from './scope.js';

function dimsOf(id: string): readonly Dimension[] | null {
  return findQuery(id)?.dims ?? null;
}

/** The `by` asked for, or null for the metric's default grouping. */
function byParam(url: URL, dims: readonly Dimension[]): Dimension | null {
  const by = url.searchParams.get('by');
  if (by === null || by === '') return null;
  if (!dims.includes(by as Dimension)) {
    throw new HttpError(
      'bad_request',
      dims.length ? `by expects one of ${dims.join(', ')}` : 'this metric has fixed rows and takes no by',
    );
  }
  return by as Dimension;
}

/** Who am I, the catalog, the filter values, and every queryable catalog metric. */
export function readRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/me', (c) => {
    const p = c.get('principal');
    return c.json({
      role: p.role,
      teams: p.role === 'manager' ? (p.teams ?? []) : null,
      privacy: { individuals: deps.privacy.individuals, minGroupSize: deps.privacy.minGroupSize },
    });
  });

  app.get('/catalog', (c) =>
    c.json({
      metrics: CATALOG.map((m) => ({
        ...m,
        dims: [...(dimsOf(m.id) ?? [])],
        queryable: dimsOf(m.id) !== null,
      })),
    }),
  );

  app.get('/filters', async (c) => {
    const scope = await readScope(deps, c.get('principal'), new URL(c.req.url));
    // The values the caller may pick from: the window's facts within their scope, ignoring the other filters.
    const teams = scopedTeams(c.get('principal'), undefined);
    const key = `filter-days|${teams ? teams.join(',') : '*'}`;
    const days = await deps.cache.value(key, () =>
      dayValues(metricContext(deps, { ...scope, filter: teams ? { teams } : {} })),
    );
    const values = valuesIn(days, scope.window);
    const base = scope.viewer.role === 'manager' ? { teams: scope.filter.teams ?? [] } : {};
    // The teams' display names, for the teams offered only: a picker shows "Platform", not "platform-1".
    const names = await deps.cache.value('team-names', async () => {
      const rows = await deps.db.query('SELECT team_id, name FROM dir_teams');
      return new Map(rows.map((r) => [String(r.team_id), String(r.name)]));
    });
    const withNames = (v: { teams: string[]; tools: string[]; models: string[] }) => ({
      ...v,
      teamNames: Object.fromEntries(v.teams.map((t) => [t, names.get(t) ?? t])),
    });
    if (!protectsGroups(deps.privacy, scope.viewer, base)) return c.json(withNames(values));
    // Only what this audience may pick: a small team, tool or model is not offered (the API would refuse it).
    const facts = await cachedPersonFacts(deps, scope.window);
    const min = deps.privacy.minGroupSize;
    return c.json(
      withNames({
        teams: pickable(facts, {}, 'teams', values.teams, min),
        tools: pickable(facts, base, 'tools', values.tools, min),
        models: pickable(facts, base, 'models', values.models, min),
      }),
    );
  });

  app.get('/metrics/:id', async (c) => {
    const id = c.req.param('id');
    const definition = findMetric(id);
    const dims = dimsOf(id);
    if (!definition || dims === null) {
      throw new HttpError('not_found', `no queryable metric "${id}" (GET /api/v1/catalog lists them)`);
    }
    const url = new URL(c.req.url);
    const scope = await readScope(deps, c.get('principal'), url);
    const ctx = metricContext(deps, scope);
    const format = tableFormat(url);
    const registered = findQuery(id);
    if (!registered) throw new HttpError('not_found', `no queryable metric "${id}"`);
    const table = await registered.run(ctx, byParam(url, dims));
    // The same table, privacy applied alike, as a download (the dashboard's "CSV" buttons fetch it).
    if (format === 'csv') return csvDownload(c, id, table);
    return c.json({ metric: { ...definition, dims: [...dims] }, table });
  });

  return app;
}
