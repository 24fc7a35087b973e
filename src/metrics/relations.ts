import type { StoreReader } from '../store/db.js';
import { sqlIdent } from '../store/sql-text.js';
import { dialectFor, type SqlDialect } from '../store/sql/dialect.js';
import { FILTER_PARAM_PREFIX, filterOf, type MetricFilter } from './filter.js';

/**
 * The relations metric SQL reads, each rendered for the store handle it runs on: the table or view itself, or,
 * through a filter (metrics/filter.ts), a subquery that keeps only the filter's facts. The same text runs on
 * DuckDB and ClickHouse: the filter's values are bound parameters in the store's dialect, and the subquery
 * names the store's own relation (no schema prefix, no shadowing of one name by another).
 *
 * Which facts a filter keeps, per relation:
 * - spend (the ledger, its rollups, its PR tables, usage_identity): the teams, tools and models asked for;
 * - delivery (`outcomes_identity`, `outcomes`): the teams only, since delivery facts have no tool or model;
 * - the directory's teams and people: the teams; seats (`dir_seats`, `seat_days`): the teams' people and the
 *   tools;
 * - other directory tables (keys, workflows) are labels, the same under every filter.
 */
export const SPEND_RELATIONS = [
  'ledger',
  'ledger_daily',
  'ledger_weekly',
  'ledger_sessions',
  'ledger_prs',
  'ledger_pr_parts',
  'usage_identity',
] as const;

export type Relation =
  | (typeof SPEND_RELATIONS)[number]
  | 'outcomes_identity'
  | 'outcomes'
  | 'dir_teams'
  | 'dir_people'
  | 'dir_seats'
  | 'seat_days'
  | 'dir_keys'
  | 'dir_workflows';

/** `column IN (…)` over a filter dimension's bound values; always false for an empty list. */
function inList(column: string, dim: keyof MetricFilter, values: readonly string[], d: SqlDialect): string {
  if (values.length === 0) return '1 = 0';
  const names = values.map((_, i) => d.param(`${FILTER_PARAM_PREFIX[dim]}${i}`, 'String'));
  return `${sqlIdent(column)} IN (${names.join(', ')})`;
}

/** The conditions a filter puts on `name`'s rows (none: the relation is read whole). */
function conditions(name: Relation, f: MetricFilter, d: SqlDialect): string[] {
  const team = f.teams ? inList('team_id', 'teams', f.teams, d) : null;
  const tool = f.tools ? inList('tool', 'tools', f.tools, d) : null;
  const model = f.models ? inList('model', 'models', f.models, d) : null;
  const kept = (...parts: (string | null)[]) => parts.filter((p): p is string => p !== null);
  const teamPeople = team ? `person_id IN (SELECT person_id FROM dir_people WHERE ${team})` : null;
  switch (name) {
    case 'ledger':
    case 'ledger_daily':
    case 'ledger_weekly':
    case 'ledger_sessions':
    case 'ledger_prs':
    case 'ledger_pr_parts':
    case 'usage_identity':
      return kept(team, tool, model);
    case 'outcomes_identity':
    case 'dir_teams':
    case 'dir_people':
      return kept(team);
    case 'outcomes':
      // An outcome's team is its workflow's when the directory gives one, else its actor's person's (the
      // outcomes_identity view): matched on the teams' workflows and the few aliases of their people rather
      // than by joining every outcome to its identity first.
      return team
        ? [
            `(workflow IN (SELECT workflow_id FROM dir_workflows WHERE ${team})
         OR (actor_hash IN (SELECT alias_hash FROM dir_aliases WHERE ${teamPeople})
             AND (workflow IS NULL OR workflow NOT IN (SELECT workflow_id FROM dir_workflows WHERE team_id IS NOT NULL))))`,
          ]
        : [];
    case 'dir_seats':
    case 'seat_days':
      return kept(teamPeople, tool);
    case 'dir_keys':
    case 'dir_workflows':
      return [];
    default:
      return name satisfies never;
  }
}

/** `name` as `filter` narrows it, in dialect `d`: the relation itself when the filter keeps all of it. */
export function renderRelation(name: Relation, filter: MetricFilter | undefined, d: SqlDialect): string {
  const where = filter ? conditions(name, filter, d) : [];
  if (where.length === 0) return sqlIdent(name);
  return `(SELECT * FROM ${sqlIdent(name)} WHERE ${where.join(' AND ')})`;
}

/**
 * The relation `name` as a statement run on `on.db` reads it: narrowed to the handle's filter, if any, in the
 * store's dialect. Use it where the name would stand in FROM or JOIN, followed by the statement's own alias.
 */
export function relation(on: { db: StoreReader }, name: Relation): string {
  return renderRelation(name, filterOf(on.db), dialectFor(on.db.dialect));
}
