import { usd, type Usd } from '../domain/money.js';
import { WINDOW_FILTER, windowParams, type MetricContext } from './metric.js';
import { namesPeople } from './privacy.js';

/**
 * A workload is the unit spend is managed by: a workflow when one is known (tag, key → workflow), else the
 * API key, else the tool a person used (the tool a team used when people may not be named), else the
 * stream itself (billed money no finer source explains).
 */
export interface WorkloadSpend {
  kind: 'workflow' | 'key' | 'person' | 'team' | 'stream';
  id: string;
  label: string;
  workloadType: string | null;
  model: string | null;
  cost: Usd;
  tokens: number;
  cacheReadTokens: number;
  share: number;
}

export function workloadSql(named: boolean): string {
  const personKind = named ? "'person'" : "'team'";
  const personId = named ? "l.tool || '|' || l.person_id" : "l.tool || '|' || coalesce(l.team_id, 'unknown')";
  const personLabel = named
    ? "coalesce(l.tool, '?') || ' · ' || coalesce(p.name, l.person_id)"
    : "coalesce(l.tool, '?') || ' · team ' || coalesce(t.name, l.team_id, 'unknown')";
  // A personal key is named after its owner: when people may not be named it counts as its owner's
  // team-level workload, like their other usage.
  const sharedKey = named ? 'l.key_hash IS NOT NULL' : '(l.key_hash IS NOT NULL AND k.owner IS NULL)';
  return `
SELECT l.*,
  CASE WHEN l.workflow_id IS NOT NULL THEN 'workflow' WHEN ${sharedKey} THEN 'key'
       WHEN l.person_id IS NOT NULL THEN ${personKind} ELSE 'stream' END AS workload_kind,
  CASE WHEN l.workflow_id IS NOT NULL THEN l.workflow_id WHEN ${sharedKey} THEN l.key_hash
       WHEN l.person_id IS NOT NULL THEN ${personId} ELSE l.stream END AS workload_id,
  CASE WHEN l.workflow_id IS NOT NULL THEN coalesce(w.name, l.workflow_id)
       WHEN ${sharedKey} THEN coalesce(k.name, 'key ' || l.key_hint)
       WHEN l.person_id IS NOT NULL THEN ${personLabel}
       ELSE 'unattributed · ' || l.stream END AS workload_label,
  coalesce(l.workload_type, wk.workload_type, CASE WHEN l.person_id IS NOT NULL THEN 'agentic-coding' END) AS workload_type_resolved
FROM ledger_daily l
LEFT JOIN dir_workflows w ON w.workflow_id = l.workflow_id
LEFT JOIN dir_keys k ON k.key_hash = l.key_hash
LEFT JOIN (SELECT workflow_id, min(workload_type) AS workload_type FROM dir_keys GROUP BY workflow_id) wk ON wk.workflow_id = l.workflow_id
LEFT JOIN dir_people p ON p.person_id = l.person_id
LEFT JOIN dir_teams t ON t.team_id = l.team_id`;
}

export async function spendByWorkload(ctx: MetricContext): Promise<WorkloadSpend[]> {
  const named = namesPeople(ctx.privacy, ctx.viewer);
  const rows = await ctx.db.query(
    `WITH lw AS (${workloadSql(named)})
     SELECT workload_kind, workload_id, min(workload_label) AS label, min(workload_type_resolved) AS workload_type,
       arg_max(model, cost) AS model,
       CAST(coalesce(sum(cost), 0) AS VARCHAR) AS cost,
       sum(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens) AS tokens,
       sum(cache_read_tokens) AS cache_read
     FROM lw WHERE ${WINDOW_FILTER} AND NOT unpriced
     GROUP BY workload_kind, workload_id
     ORDER BY sum(cost) DESC, workload_id`,
    windowParams(ctx.window),
  );
  const total = rows.reduce((acc, r) => acc.plus(usd(String(r.cost))), usd(0));
  return rows.map((r) => {
    const cost = usd(String(r.cost));
    return {
      kind: r.workload_kind as WorkloadSpend['kind'],
      id: String(r.workload_id),
      label: String(r.label),
      workloadType: (r.workload_type as string | null) ?? null,
      model: (r.model as string | null) ?? null,
      cost,
      tokens: Number(r.tokens ?? 0),
      cacheReadTokens: Number(r.cache_read ?? 0),
      share: total.isZero() ? 0 : cost.dividedBy(total).toNumber(),
    };
  });
}

/** Tokens per dollar of a workload; null when it cost nothing measurable. */
export function tokensPerDollar(w: Pick<WorkloadSpend, 'tokens' | 'cost'>): number | null {
  return w.cost.isZero() ? null : w.tokens / w.cost.toNumber();
}
