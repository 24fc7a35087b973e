import { usd, type Usd } from '../domain/money.js';
import { sqlString } from '../store/sql-text.js';
import { rollupColumns } from '../store/sql/ledger-select.js';
import type { DayWindow } from '../domain/time.js';
import { dialectOf, windowFilter, windowParams, type MetricContext } from './metric.js';
import { namesPeople, protectsGroups, rowsToFold } from './privacy.js';
import { relation } from './relations.js';
import { ledgerRollup, type LedgerRollup } from './rollup.js';
import { spendFrom } from './spend-from.js';

/**
 * A workload is the unit spend is managed by: a workflow when one is known (tag, key → workflow), else the
 * API key, else the tool a person used (the tool a team used when people may not be named), else the
 * stream itself (billed money no finer source explains).
 */
export interface WorkloadSpend {
  kind: 'workflow' | 'key' | 'person' | 'team' | 'stream' | 'other';
  id: string;
  label: string;
  workloadType: string | null;
  model: string | null;
  cost: Usd;
  tokens: number;
  cacheReadTokens: number;
  share: number;
}

/**
 * Every spend row of `rollup` with its workload's kind, id, label and type. `ledger_sessions` carries the same
 * attribution per session: a session's workload is read from it.
 */
export function workloadSql(
  on: Pick<MetricContext, 'db'>,
  named: boolean,
  rollup: LedgerRollup | 'ledger_sessions' = 'ledger_daily',
): string {
  const personKind = named ? "'person'" : "'team'";
  const personId = named ? "l.tool || '|' || l.person_id" : "l.tool || '|' || coalesce(l.team_id, 'unknown')";
  const personLabel = named
    ? "coalesce(l.tool, '?') || ' · ' || coalesce(p.name, l.person_id)"
    : "coalesce(l.tool, '?') || ' · team ' || coalesce(t.name, l.team_id, 'unknown')";
  // A personal key is named after its owner: when people may not be named it counts as its owner's
  // team-level workload, like their other usage.
  const sharedKey = named ? 'l.key_hash IS NOT NULL' : '(l.key_hash IS NOT NULL AND k.owner IS NULL)';
  return `
SELECT ${rollupColumns(rollup)
    .map((c) => `l.${c} AS ${c}`)
    .join(', ')},
  CASE WHEN l.workflow_id IS NOT NULL THEN 'workflow' WHEN ${sharedKey} THEN 'key'
       WHEN l.person_id IS NOT NULL THEN ${personKind} ELSE 'stream' END AS workload_kind,
  CASE WHEN l.workflow_id IS NOT NULL THEN l.workflow_id WHEN ${sharedKey} THEN l.key_hash
       WHEN l.person_id IS NOT NULL THEN ${personId} ELSE l.stream END AS workload_id,
  CASE WHEN l.workflow_id IS NOT NULL THEN coalesce(w.name, l.workflow_id)
       WHEN ${sharedKey} THEN coalesce(k.name, 'key ' || l.key_hint)
       WHEN l.person_id IS NOT NULL THEN ${personLabel}
       ELSE 'unattributed · ' || l.stream END AS workload_label,
  coalesce(l.workload_type, wk.workload_type, CASE WHEN l.person_id IS NOT NULL THEN 'agentic-coding' END) AS workload_type_resolved
FROM ${spendFrom(on, rollup, ['workflows', 'keys', named ? 'people' : 'teams'])}
LEFT JOIN (SELECT workflow_id, min(workload_type) AS workload_type FROM ${relation(on, 'dir_keys')} GROUP BY workflow_id) wk ON wk.workflow_id = l.workflow_id`;
}

/**
 * `workloadSql` for a context's audience: as it names people, and, for an audience that may not see them,
 * with every workload behind too few people (a team's use of a tool, a shared key) folded into one "other"
 * workload large enough itself (metrics/privacy.ts `rowsToFold`), counted over `window` (default the
 * context's).
 */
export async function workloadSqlFor(
  ctx: MetricContext,
  rollup: LedgerRollup | 'ledger_sessions' = 'ledger_daily',
  window = ctx.window,
): Promise<string> {
  const sql = workloadSql(ctx, namesPeople(ctx.privacy, ctx.viewer, ctx.filter), rollup);
  if (!protectsGroups(ctx.privacy, ctx.viewer, ctx.filter)) return sql;
  const sizes = await ctx.db.query(
    `SELECT workload_id AS g, ${dialectOf(ctx).distinctList('person_id')} AS people
     FROM (${sql}) WHERE ${windowFilter('day', ctx)} GROUP BY 1`,
    windowParams(window),
  );
  const fold = rowsToFold(
    new Map(sizes.map((r) => [String(r.g), new Set(Array.isArray(r.people) ? r.people.map(String) : [])])),
    ctx.privacy.minGroupSize,
  );
  if (fold.size === 0) return sql;
  const list = [...fold].sort().map(sqlString).join(', ');
  // Columns listed and qualified: in ClickHouse a replaced column's new value would be what the next
  // replacement reads under its name.
  return `SELECT ${rollupColumns(rollup)
    .map((c) => `w.${c} AS ${c}`)
    .join(', ')}, w.workload_type_resolved AS workload_type_resolved,
    CASE WHEN w.workload_id IN (${list}) THEN 'other' ELSE w.workload_kind END AS workload_kind,
    CASE WHEN w.workload_id IN (${list}) THEN 'other' ELSE w.workload_id END AS workload_id,
    CASE WHEN w.workload_id IN (${list}) THEN ${sqlString(`other (${fold.size} groups)`)} ELSE w.workload_label END AS workload_label
  FROM (${sql}) w`;
}

export async function spendByWorkload(ctx: MetricContext): Promise<WorkloadSpend[]> {
  const [only] = await spendByWorkloads(ctx, [ctx.window]);
  return only ?? [];
}

/**
 * Spend by workload in each of several windows, from one statement. The windows' bounds cut their span into
 * segments (the weekly diagnostic's four weeks, last week and the week before: three), every row is labelled
 * and grouped once per workload and segment, and each window's figures are those of the segments inside it:
 * sums of sums, the least of the least labels, and the model of the costliest row as the model of the
 * costliest segment's costliest row. Three statements over the same rows before, then one aggregating every
 * window with a FILTER per figure (twice the work of grouping by segment).
 *
 * `topOfFirst`: only the first window's costliest workloads come back (every window's list then holds just
 * those workloads, each with its share of that window's whole spend). The weekly diagnostic reads no more,
 * and the full lists of a whole organisation (thousands of workloads, three times over) cost more to carry
 * and sort in JavaScript than the statement itself. The ranking is the lists' own order, done in SQL.
 */
export async function spendByWorkloads(
  ctx: MetricContext,
  windows: readonly DayWindow[],
  options: { topOfFirst?: number } = {},
): Promise<WorkloadSpend[][]> {
  if (windows.length === 0) return [];
  const d = dialectOf(ctx);
  const bounds = [...new Set(windows.flatMap((w) => [w.since, w.until]))].sort();
  const params: Record<string, string> = {};
  bounds.forEach((b, j) => (params[`b${j}`] = b));
  // Segment j holds the days from bound j up to bound j + 1; a day before the first bound is in none.
  const segment = `CASE ${bounds
    .slice(1)
    .map((_, j) => `WHEN day < ${d.param(`b${j + 1}`, 'Date')} THEN ${j}`)
    .join(' ')} END`;
  const aggregates = windows.map((w, i) => {
    const inside = bounds
      .slice(0, -1)
      .map((b, j) => ({ b, j }))
      .filter(({ b }) => b >= w.since && b < w.until)
      .map(({ j }) => j);
    const f = `FILTER (WHERE seg IN (${inside.join(', ')}))`;
    return `sum(n) ${f} AS n${i}, min(label) ${f} AS label${i}, min(workload_type) ${f} AS workload_type${i},
       ${d.argMax('model', 'top')} ${f} AS model${i}, coalesce(sum(cost) ${f}, 0) AS cost${i},
       sum(tokens) ${f} AS tokens${i}, sum(cache_read) ${f} AS cache_read${i}`;
  });
  // Each window's whole spend, and the first list's order (cost descending, then workload id in byte order,
  // as the sort below) when only its top is asked for.
  const totals = windows.map((_, i) => `CAST(sum(cost${i}) OVER () AS VARCHAR) AS total${i}`);
  const asText = windows.map((_, i) => `CAST(cost${i} AS VARCHAR) AS cost${i}`);
  // Whole weeks read the weekly rollup, whose rows keep their costliest day row's cost as `top_cost`.
  const rollup = ledgerRollup(...windows);
  const rowTop = rollup === 'ledger_weekly' ? 'top_cost' : 'cost';
  const top = options.topOfFirst;
  const rank = 'row_number() OVER (ORDER BY coalesce(n0, 0) > 0 DESC, cost0 DESC, workload_id) AS rank';
  const keep = top === undefined ? '' : `WHERE rank <= ${Math.max(0, Math.floor(top))}`;
  const span = { since: bounds[0] ?? ctx.window.since, until: bounds[bounds.length - 1] ?? ctx.window.until };
  const lw = await workloadSqlFor(ctx, rollup, span);
  const rows = await ctx.db.query(
    `WITH lw AS (${lw}), segments AS (
       SELECT workload_kind, workload_id, ${segment} AS seg, count(*) AS n, min(workload_label) AS label,
         min(workload_type_resolved) AS workload_type, ${d.argMax('model', rowTop)} AS model, max(${rowTop}) AS top,
         sum(cost) AS cost, sum(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens) AS tokens,
         sum(cache_read_tokens) AS cache_read
       FROM lw WHERE ${windowFilter('day', ctx)} AND NOT unpriced
       GROUP BY ALL
     ), workloads AS (
       SELECT workload_kind, workload_id, ${aggregates.join(',\n       ')}
       FROM segments GROUP BY workload_kind, workload_id
     )
     SELECT * REPLACE (${asText.join(', ')})
     FROM (SELECT *, ${totals.join(', ')}, ${rank} FROM workloads) ${keep}`,
    { ...params, since: bounds[0] ?? '', until: bounds[bounds.length - 1] ?? '' },
  );
  return windows.map((_, i) => {
    const mine = rows
      .filter((r) => Number(r[`n${i}`] ?? 0) > 0)
      .map((r) => ({ r, cost: usd(String(r[`cost${i}`])) }))
      // Largest first, then by id in the database's (byte) order, as ORDER BY sum(cost) DESC, workload_id.
      .sort(
        (a, b) =>
          b.cost.comparedTo(a.cost) ||
          Buffer.compare(Buffer.from(String(a.r.workload_id)), Buffer.from(String(b.r.workload_id))),
      );
    // Every workload's spend in the window, shown or not (a workload outside it adds 0).
    const total = usd(String(rows[0]?.[`total${i}`] ?? 0));
    return mine.map(({ r, cost }) => ({
      kind: r.workload_kind as WorkloadSpend['kind'],
      id: String(r.workload_id),
      label: String(r[`label${i}`]),
      workloadType: (r[`workload_type${i}`] as string | null) ?? null,
      model: (r[`model${i}`] as string | null) ?? null,
      cost,
      tokens: Number(r[`tokens${i}`] ?? 0),
      cacheReadTokens: Number(r[`cache_read${i}`] ?? 0),
      share: total.isZero() ? 0 : cost.dividedBy(total).toNumber(),
    }));
  });
}

/** Tokens per dollar of a workload; null when it cost nothing measurable. */
export function tokensPerDollar(w: Pick<WorkloadSpend, 'tokens' | 'cost'>): number | null {
  return w.cost.isZero() ? null : w.tokens / w.cost.toNumber();
}
