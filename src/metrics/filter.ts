import type { Db, Row, SqlParam } from '../store/db.js';
import type { MetricContext } from './metric.js';
import { pruneUnusedJoins } from './prune-joins.js';

/**
 * A filter on the facts every metric reads: teams, tools, models. Absent = no filter; an empty list matches
 * nothing (a manager asking for a team outside their scope gets empty answers, never the whole org).
 *
 * It is applied inside the metric SQL by shadowing the relations metrics read (`ledger` and its rollups
 * `ledger_daily`, `ledger_weekly` and `ledger_sessions`, `usage_identity`,
 * `outcomes_identity`, `outcomes`, `dir_people`, `dir_teams`, `dir_seats`, `seat_days`) with filtered
 * common table expressions of the same name, so every catalog metric and the weekly diagnostic honour it
 * without each query knowing. Values are bind parameters, never spliced into the SQL. Delivery facts have
 * no tool or model: only the team filter narrows them.
 */
export interface MetricFilter {
  teams?: readonly string[];
  tools?: readonly string[];
  models?: readonly string[];
}

export function isEmptyFilter(f: MetricFilter | undefined): boolean {
  return !f || (f.teams === undefined && f.tools === undefined && f.models === undefined);
}

/** `column IN ($p0, $p1…)` with the values added to `params`; `false` for an empty list. */
function inList(column: string, values: readonly string[], prefix: string, params: Record<string, SqlParam>) {
  if (values.length === 0) return 'false';
  const names = values.map((v, i) => {
    params[`${prefix}${i}`] = v;
    return `$${prefix}${i}`;
  });
  return `${column} IN (${names.join(', ')})`;
}

/** The shadowing CTEs of a filter, and their bind parameters (named `mf_*`, apart from metric params). */
export function filterCtes(f: MetricFilter): { ctes: string[]; params: Record<string, SqlParam> } {
  const params: Record<string, SqlParam> = {};
  const team = f.teams ? inList('team_id', f.teams, 'mf_team', params) : null;
  const tool = f.tools ? inList('tool', f.tools, 'mf_tool', params) : null;
  const model = f.models ? inList('model', f.models, 'mf_model', params) : null;
  const where = (...parts: (string | null)[]) => {
    const kept = parts.filter((p): p is string => p !== null);
    return kept.length ? ` WHERE ${kept.join(' AND ')}` : '';
  };
  const ctes = [
    `ledger AS (SELECT * FROM main.ledger${where(team, tool, model)})`,
    // The daily and per-session rollups of the ledger (what most metrics read) carry the same columns.
    `ledger_daily AS (SELECT * FROM main.ledger_daily${where(team, tool, model)})`,
    `ledger_weekly AS (SELECT * FROM main.ledger_weekly${where(team, tool, model)})`,
    `ledger_sessions AS (SELECT * FROM main.ledger_sessions${where(team, tool, model)})`,
    `ledger_prs AS (SELECT * FROM main.ledger_prs${where(team, tool, model)})`,
    `ledger_pr_parts AS (SELECT * FROM main.ledger_pr_parts${where(team, tool, model)})`,
    `usage_identity AS (SELECT * FROM main.usage_identity${where(team, tool, model)})`,
  ];
  if (team) {
    ctes.push(
      `outcomes_identity AS (SELECT * FROM main.outcomes_identity WHERE ${team})`,
      // An outcome's team is its workflow's when the directory gives one, else its actor's person's (the
      // outcomes_identity view): matched on the teams' workflows and the few aliases of their people rather
      // than by joining every outcome to its identity first.
      `outcomes AS (SELECT * FROM main.outcomes WHERE workflow IN (SELECT workflow_id FROM main.dir_workflows WHERE ${team})
         OR (actor_hash IN (SELECT alias_hash FROM main.dir_aliases
               WHERE person_id IN (SELECT person_id FROM main.dir_people WHERE ${team}))
             AND (workflow IS NULL OR workflow NOT IN (SELECT workflow_id FROM main.dir_workflows WHERE team_id IS NOT NULL))))`,
      `dir_teams AS (SELECT * FROM main.dir_teams WHERE ${team})`,
      `dir_people AS (SELECT * FROM main.dir_people WHERE ${team})`,
    );
  }
  if (team || tool) {
    const person = team ? `person_id IN (SELECT person_id FROM main.dir_people WHERE ${team})` : null;
    ctes.push(
      `dir_seats AS (SELECT * FROM main.dir_seats${where(person, tool)})`,
      `seat_days AS (SELECT * FROM main.seat_days${where(person, tool)})`,
    );
  }
  return { ctes, params };
}

/** Prefixes the filter's CTEs to a statement, merging with the statement's own WITH list. */
export function applyFilter(sql: string, f: MetricFilter): { sql: string; params: Record<string, SqlParam> } {
  const { ctes, params } = filterCtes(f);
  const head = /^\s*WITH\s+(RECURSIVE\s+)?/i.exec(sql);
  const text = head
    ? `WITH ${head[1] ?? ''}${ctes.join(',\n')},\n${sql.slice(head[0].length)}`
    : `WITH ${ctes.join(',\n')}\n${sql}`;
  return { sql: text, params };
}

/**
 * The store as seen through a filter: `query` runs every statement with the filter applied and without the
 * directory joins it does not read (prune-joins.ts); everything else (appends, pricing) is the store itself.
 * Metric contexts built by the server use it.
 */
export function filteredDb(db: Db, f: MetricFilter | undefined): Db {
  const filter = isEmptyFilter(f) ? undefined : f;
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'query') {
        return <T extends Row = Row>(sql: string, params: Record<string, SqlParam> = {}) => {
          if (!filter) return target.query<T>(pruneUnusedJoins(sql), params);
          const applied = applyFilter(sql, filter);
          return target.query<T>(pruneUnusedJoins(applied.sql), { ...params, ...applied.params });
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A metric context narrowed to `filter`: every query it runs reads only the matching facts. */
export function filteredContext(ctx: MetricContext, filter: MetricFilter): MetricContext {
  return { ...ctx, db: filteredDb(ctx.db, filter), filter };
}
