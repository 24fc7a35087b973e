import { Hono } from 'hono';
import { CATALOG, findMetric } from '../../metrics/catalog.js';
import { DIMENSIONS, spendBy, type Dimension } from '../../metrics/query.js';
import { namesPeople, pickable, protectsGroups } from '../../metrics/privacy.js';
import { findQuery } from '../../metrics/registry.js';
import type { MetricTable } from '../../metrics/table.js';
import type { AppEnv } from '../auth.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { dayValues, valuesIn } from './filter-values.js';
import { cachedPersonFacts, metricContext, readScope, scopedTeams } from './scope.js';

/** spend.total and efficiency.tokens_per_dollar come from `spendBy`; the registry answers the rest. */
const SPEND_METRICS = ['spend.total', 'efficiency.tokens_per_dollar'];

function dimsOf(id: string): readonly Dimension[] | null {
  if (SPEND_METRICS.includes(id)) return DIMENSIONS;
  return findQuery(id)?.dims ?? null;
}

function byParam(url: URL, dims: readonly Dimension[], fallback: Dimension | null): Dimension | null {
  const by = url.searchParams.get('by');
  if (by === null || by === '') return fallback;
  if (!dims.includes(by as Dimension)) {
    throw new HttpError(
      'bad_request',
      dims.length ? `by expects one of ${dims.join(', ')}` : 'this metric has fixed rows and takes no by',
    );
  }
  return by as Dimension;
}

/** The spend groups of `spendBy` in the catalog's table shape, so every metric answers alike. */
function spendTable(
  metric: string,
  window: MetricTable['window'],
  by: Dimension,
  groups: Awaited<ReturnType<typeof spendBy>>,
): MetricTable {
  return {
    metric,
    window,
    by,
    columns: [
      { id: 'cost', label: 'spend', unit: 'USD' },
      { id: 'share', label: 'share', unit: 'share' },
      { id: 'tokens', label: 'tokens', unit: 'tokens' },
      { id: 'tokens_per_dollar', label: 'tokens per $', unit: 'tokens per USD' },
      { id: 'cache_read_share', label: 'cache-read share', unit: 'share' },
    ],
    rows: groups.map((g) => ({
      key: g.key,
      label: g.label,
      values: {
        cost: g.cost.toString(),
        share: g.share,
        tokens: g.tokens,
        tokens_per_dollar: g.tokensPerDollar,
        cache_read_share: g.tokens ? g.cacheReadTokens / g.tokens : null,
      },
    })),
    notes: [],
  };
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
    if (!protectsGroups(deps.privacy, scope.viewer, base)) return c.json(values);
    // Only what this audience may pick: a small team, tool or model is not offered (the API would refuse it).
    const facts = await cachedPersonFacts(deps, scope.window);
    const min = deps.privacy.minGroupSize;
    return c.json({
      teams: pickable(facts, {}, 'teams', values.teams, min),
      tools: pickable(facts, base, 'tools', values.tools, min),
      models: pickable(facts, base, 'models', values.models, min),
    });
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
    const registered = findQuery(id);
    if (registered) {
      const table = await registered.run(ctx, byParam(url, dims, null));
      return c.json({ metric: { ...definition, dims: [...dims] }, table });
    }
    const by = byParam(url, dims, 'team') as Dimension;
    const groups = await spendBy(ctx, by);
    // spendBy groups people by team when this viewer may not see them: say so, as the registry's tables do.
    const used = by === 'person' && !namesPeople(ctx.privacy, ctx.viewer, ctx.filter) ? 'team' : by;
    const table = spendTable(id, scope.window, used, groups);
    if (used !== by) table.notes.push('People may not be named to this viewer: grouped by team instead.');
    return c.json({ metric: { ...definition, dims: [...dims] }, table });
  });

  return app;
}
