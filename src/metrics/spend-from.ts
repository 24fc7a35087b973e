import type { StoreReader } from '../store/db.js';
import { relation, type Relation } from './relations.js';

/**
 * The directory tables a statement joins to its facts for labels. Each is joined by its id (unique per
 * section: org/cross-check.ts), so a join adds no rows, and a statement names the ones it reads: on 10M usage
 * records the unused joins were most of a statement's time (a 28-day spend-by-model query: 100 ms with the
 * four joins, 10 ms without), and DuckDB does not drop a LEFT JOIN whose columns are never read.
 */
export type DirectoryJoin = 'people' | 'teams' | 'keys' | 'workflows';

const JOIN_ORDER: readonly DirectoryJoin[] = ['people', 'teams', 'keys', 'workflows'];

/** Each join's table, alias and the ledger's column it matches (spend) or the outcome's (delivery). */
const SPEND_JOIN: Record<DirectoryJoin, { table: Relation; alias: string; on: string }> = {
  people: { table: 'dir_people', alias: 'p', on: 'p.person_id = l.person_id' },
  teams: { table: 'dir_teams', alias: 't', on: 't.team_id = l.team_id' },
  keys: { table: 'dir_keys', alias: 'k', on: 'k.key_hash = l.key_hash' },
  workflows: { table: 'dir_workflows', alias: 'w', on: 'w.workflow_id = l.workflow_id' },
};

const OUTCOME_JOIN: Partial<Record<DirectoryJoin, { table: Relation; alias: string; on: string }>> = {
  people: { table: 'dir_people', alias: 'op', on: 'op.person_id = o.person_id' },
  teams: { table: 'dir_teams', alias: 'ot', on: 'ot.team_id = o.team_id' },
  workflows: { table: 'dir_workflows', alias: 'ow', on: 'ow.workflow_id = o.workflow' },
};

type On = { db: StoreReader };

function joins(
  on: On,
  wanted: readonly DirectoryJoin[],
  table: Partial<Record<DirectoryJoin, { table: Relation; alias: string; on: string }>>,
): string {
  return JOIN_ORDER.filter((j) => wanted.includes(j))
    .map((j) => {
      const join = table[j];
      if (!join) throw new Error(`delivery facts have no ${j} to join`);
      return `\nLEFT JOIN ${relation(on, join.table)} ${join.alias} ON ${join.on}`;
    })
    .join('');
}

/** The directory joins `wanted` to spend rows already named `l` (a CTE with the ledger's attribution columns). */
export function spendJoins(on: On, wanted: readonly DirectoryJoin[]): string {
  return joins(on, wanted, SPEND_JOIN);
}

/**
 * Spend rows of `rel` (a relation with the ledger's columns) as `l`, with the directory joins `wanted` under
 * their aliases (`p` people, `t` teams, `k` keys, `w` workflows), each as the statement's store handle sees it.
 */
export function spendFrom(
  on: On,
  rel: 'ledger_daily' | 'ledger_weekly' | 'ledger_sessions',
  wanted: readonly DirectoryJoin[] = [],
): string {
  return `${relation(on, rel)} l${joins(on, wanted, SPEND_JOIN)}`;
}

/**
 * Delivery rows as `o`: `outcomes_identity` as the handle sees it, or `rows` (a subquery with its columns:
 * pr-cost.ts), with the directory joins `wanted` (`op` people, `ot` teams, `ow` workflows).
 */
export function outcomeFrom(on: On, wanted: readonly DirectoryJoin[] = [], rows?: string): string {
  return `${rows ?? relation(on, 'outcomes_identity')} o${joins(on, wanted, OUTCOME_JOIN)}`;
}
