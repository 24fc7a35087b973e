/**
 * Metric SQL joins the directory for labels (`spendFrom` joins people, teams, keys and workflows to every
 * spend row), but most statements use one label or none. DuckDB does not drop a LEFT JOIN whose columns are
 * never read, and on 10M usage records those joins were most of a statement's time (a 28-day spend-by-model
 * query: 100 ms with the four joins, 10 ms without). A LEFT JOIN to a directory table on its id adds no rows
 * (ids are unique per section: org/cross-check.ts) and no values unless its alias is read, so a join whose
 * alias appears nowhere else in the statement can go without changing the answer.
 */
const DIRECTORY_IDS: Record<string, string> = {
  dir_people: 'person_id',
  dir_teams: 'team_id',
  dir_keys: 'key_hash',
  dir_workflows: 'workflow_id',
};

/** `LEFT JOIN dir_x a ON a.id = b.col` with nothing more to its condition (a following AND/OR keeps it). */
const JOIN =
  /\s*LEFT JOIN (dir_people|dir_teams|dir_keys|dir_workflows) (\w+) ON (\w+)\.(\w+) = \w+\.\w+\b(?!\s*(?:AND|OR)\b)(?![.(])/gi;

/** The statement without the directory joins it never reads from. */
export function pruneUnusedJoins(sql: string): string {
  const joins = [...sql.matchAll(JOIN)].filter(
    ([, table, alias, onAlias, column]) => alias === onAlias && DIRECTORY_IDS[table ?? ''] === column,
  );
  if (joins.length === 0) return sql;
  let out = sql;
  for (const alias of new Set(joins.map((j) => j[2] ?? ''))) {
    const mine = joins.filter((j) => j[2] === alias).map((j) => j[0]);
    let rest = out;
    for (const text of mine) rest = rest.split(text).join(' ');
    // Any other mention (a label, a filter, another table under the same alias) keeps every such join.
    if (new RegExp(`\\b${alias}\\.`).test(rest)) continue;
    out = rest;
  }
  return out;
}
