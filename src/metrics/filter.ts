import type { Db, Row, SqlParam, StoreReader } from '../store/db.js';
import type { MetricContext } from './metric.js';

/**
 * A filter on the facts every metric reads: teams, tools, models. Absent = no filter; an empty list matches
 * nothing (a manager asking for a team outside their scope gets empty answers, never the whole org).
 *
 * Statements never see the filter as text to rewrite: they name the relations they read through
 * `relation(ctx, name)` (metrics/relations.ts), which renders the relation itself, or a subquery narrowed to
 * the filter, in either engine's dialect. The filter travels with the store handle (`filteredDb`), so every
 * statement a context runs — catalog metrics, the weekly diagnostic, API answers — reads the same narrowed
 * facts. Values are bind parameters (named `mf_*`, apart from metric params), never spliced into the SQL.
 * Delivery facts have no tool or model: only the team filter narrows them.
 */
export interface MetricFilter {
  teams?: readonly string[];
  tools?: readonly string[];
  models?: readonly string[];
}

export function isEmptyFilter(f: MetricFilter | undefined): boolean {
  return !f || (f.teams === undefined && f.tools === undefined && f.models === undefined);
}

/** The bind parameter names of a filter's values, in order: `mf_team0`, `mf_team1`…, `mf_tool0`…, `mf_model0`… */
export const FILTER_PARAM_PREFIX = { teams: 'mf_team', tools: 'mf_tool', models: 'mf_model' } as const;

/** The bound values of a filter, under the names its relations use (relations.ts). */
export function filterParams(f: MetricFilter | undefined): Record<string, SqlParam> {
  const params: Record<string, SqlParam> = {};
  if (!f) return params;
  for (const dim of ['teams', 'tools', 'models'] as const) {
    (f[dim] ?? []).forEach((value, i) => {
      params[`${FILTER_PARAM_PREFIX[dim]}${i}`] = value;
    });
  }
  return params;
}

/** The filter each filtered store handle reads through (a handle is a Proxy: no field is added to the store). */
const FILTERS = new WeakMap<object, MetricFilter>();

/** The filter a store handle applies, or undefined for the store itself. */
export function filterOf(db: StoreReader): MetricFilter | undefined {
  return FILTERS.get(db);
}

/**
 * The store as seen through a filter: the relations its statements name through `relation(…)` are narrowed
 * to the filter, and every statement is given the filter's bound values; everything else (appends, pricing)
 * is the store itself. A handle of a handle keeps the inner filter unless it is given one of its own.
 */
export function filteredDb(db: Db, f: MetricFilter | undefined): Db {
  const filter = isEmptyFilter(f) ? filterOf(db) : f;
  if (!filter) return db;
  const values = filterParams(filter);
  const handle = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'query') {
        return <T extends Row = Row>(sql: string, params: Record<string, SqlParam> = {}) =>
          target.query<T>(sql, { ...params, ...values });
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  FILTERS.set(handle, filter);
  return handle;
}

/** A metric context narrowed to `filter`: every relation it reads holds only the matching facts. */
export function filteredContext(ctx: MetricContext, filter: MetricFilter): MetricContext {
  return { ...ctx, db: filteredDb(ctx.db, filter), filter };
}
