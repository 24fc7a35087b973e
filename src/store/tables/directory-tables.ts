import type { ColumnSpec, ColumnType, TableSpec } from './columns.js';

/**
 * The directory (mileage.yaml as tables, rewritten whole on every load) and the small tables the ledger joins
 * besides the facts: vendor seat lists, vendor-counted active users, calendar absences, the cwd → repository map, and
 * the audits' stored runs. DuckDB builds them by its migrations
 * (duckdb/schema.ts); ClickHouse gets them from here. Small tables: a plain MergeTree sorted by their key.
 */
function table(name: string, key: string, columns: [string, ColumnType, boolean?, 'derived'?][]): TableSpec {
  return {
    name,
    columns: columns.map(([n, type, required, derived]): ColumnSpec => ({
      name: n,
      type,
      required: required ?? false,
      ...(derived ? { derived: true } : {}),
    })),
    clickhouse: { engine: 'plain', partitionBy: null, orderBy: [key] },
  };
}

export const DIRECTORY_TABLES: readonly TableSpec[] = [
  table('dir_teams', 'team_id', [
    ['team_id', 'text', true],
    ['name', 'text', true],
    ['loaded_cost', 'money'],
    ['coach_id', 'text'],
    ['manager_id', 'text'],
  ]),
  table('dir_people', 'person_id', [
    ['person_id', 'text', true],
    ['name', 'text', true],
    ['team_id', 'text'],
  ]),
  table('dir_aliases', 'alias_hash', [
    ['alias_hash', 'text', true],
    ['kind', 'text', true],
    ['person_id', 'text', true],
  ]),
  table('dir_keys', 'key_hash', [
    ['key_hash', 'text', true],
    ['key_hint', 'text', true],
    ['name', 'text', true],
    ['owner', 'text'],
    ['team_id', 'text'],
    ['workflow_id', 'text'],
    ['workload_type', 'text'],
  ]),
  table('dir_workflows', 'workflow_id', [
    ['workflow_id', 'text', true],
    ['name', 'text', true],
    ['outcome_kind', 'text'],
    ['quality_bar', 'text'],
    ['team_id', 'text'],
  ]),
  table('dir_seats', 'tool', [
    ['tool', 'text', true],
    ['plan', 'text'],
    ['monthly_price', 'money', true],
    ['person_id', 'text', true],
    ['from_day', 'date'],
    ['until_day', 'date'],
  ]),
  table('dir_accounts', 'tool', [
    ['tool', 'text', true],
    ['stream', 'text', true],
  ]),
  table('seat_records', 'id', [
    ['id', 'text', true],
    ['source', 'text', true],
    ['tool', 'text', true],
    ['actor_hash', 'text', true],
    ['actor_hint', 'text', true],
    ['plan', 'text'],
    ['period_start', 'date', true],
    ['period_end', 'date'],
    ['monthly_price', 'money'],
    ['basis', 'text', true],
    ['last_activity', 'timestamp'],
    ['cycle_start', 'timestamp'],
    ['cycle_spend', 'money'],
    // Set by the store when the row is written.
    ['synced_at', 'timestamp', true, 'derived'],
  ]),
  table('seat_activity', 'id', [
    ['id', 'text', true],
    ['source', 'text', true],
    ['tool', 'text', true],
    ['actor_hash', 'text', true],
    ['actor_hint', 'text', true],
    ['day', 'date', true],
    ['interactions', 'int', true],
  ]),
  table('absence_days', 'id', [
    ['id', 'text', true],
    ['event_key', 'text', true],
    ['source', 'text', true],
    ['actor_hash', 'text', true],
    ['actor_hint', 'text', true],
    ['day', 'date', true],
    ['kind', 'text', true],
    ['fraction', 'double', true],
    ['synced_at', 'timestamp', true],
  ]),
  table('reported_active_users', 'id', [
    ['id', 'text', true],
    ['source', 'text', true],
    ['tool', 'text', true],
    ['workspace', 'text', true],
    ['team_tag', 'text'],
    ['day', 'date', true],
    ['period_days', 'int', true],
    ['users', 'int', true],
    ['synced_at', 'timestamp', true],
  ]),
  table('cwd_repos', 'cwd', [
    ['cwd', 'text', true],
    ['repo', 'text', true],
  ]),
  // Model-selection audits' stored runs and verdicts (audit/stored-runs.ts): the weekly diagnostic's model-fit
  // finding reads them. Written by `mileage audit run` on the embedded store; copied by `store migrate`.
  table('audit_runs', 'id', [
    ['id', 'text', true],
    ['workflow', 'text', true],
    ['bar_version', 'int', true],
    ['finished_at', 'timestamp', true],
    ['cases', 'int', true],
    ['incumbent', 'text', true],
    ['audit_cost', 'money'],
    ['result_json', 'text', true],
  ]),
  table('audit_verdicts', 'run_id', [
    ['run_id', 'text', true],
    ['candidate', 'text', true],
    ['verdict', 'text', true],
    ['requirement', 'text', true],
    ['passed', 'int', true],
    ['n', 'int', true],
    ['rate', 'double', true],
    ['rate_low', 'double', true],
    ['rate_high', 'double', true],
    ['required', 'double', true],
    ['cost_per_case', 'money'],
    ['monthly_saving', 'money'],
  ]),
];

/** One table of DIRECTORY_TABLES by name (a typo is a programming error, so it throws). */
export function directoryTable(name: string): TableSpec {
  const spec = DIRECTORY_TABLES.find((t) => t.name === name);
  if (!spec) throw new Error(`no table ${name} in the directory table catalog`);
  return spec;
}
