import { sqlString } from '../store/sql-text.js';
import { dialectOf, windowFilter, windowParams, type MetricContext } from './metric.js';
import { namesPeople, protectsGroups, rowsToFold } from './privacy.js';
import { groupFor, type Dimension } from './query.js';

/**
 * How a catalog metric is grouped: the SQL key and label of the dimension over spend (the ledger, `l`) and
 * over delivery (`outcomes_identity`, `o`), with the privacy rules already applied, exactly as `spendBy`
 * applies them: people are grouped by name only when this viewer may see them (else by team), and for an
 * audience that may not see people, any group (of any dimension) with fewer than `min_group_size` people in
 * the window folds into one "other" group, large enough itself (metrics/privacy.ts `rowsToFold`).
 *
 * The fold happens inside the SQL (a CASE over the key), so any aggregate — sums, medians, quantiles — is
 * computed over the merged group rather than merged afterwards.
 */
export interface Grouping {
  /** The dimension used, after the privacy fallback; null = the whole org as one row. */
  dim: Dimension | null;
  spendKey: string;
  spendLabel: string;
  /** Null where delivery cannot be grouped so (tool, model, key, stream, basis). */
  outcomeKey: string | null;
  outcomeLabel: string | null;
  notes: string[];
}

/** Spend rows of `relation` (with the ledger's columns) and every directory join a dimension label needs. */
export function spendFrom(relation: 'ledger_daily' | 'ledger_sessions'): string {
  return `${relation} l
LEFT JOIN dir_people p ON p.person_id = l.person_id
LEFT JOIN dir_teams t ON t.team_id = l.team_id
LEFT JOIN dir_keys k ON k.key_hash = l.key_hash
LEFT JOIN dir_workflows w ON w.workflow_id = l.workflow_id`;
}

/** Spend by day and attribution (the daily rollup): what every metric reads unless it needs sessions. */
export const SPEND_FROM = spendFrom('ledger_daily');

/** Spend by session, day and attribution: for metrics about sessions. */
export const SESSION_SPEND_FROM = spendFrom('ledger_sessions');

/** Delivery rows (`outcomes_identity`, or a relation with its columns) with the joins their labels need. */
export function outcomeFrom(relation = 'outcomes_identity'): string {
  return `${relation} o
LEFT JOIN dir_people op ON op.person_id = o.person_id
LEFT JOIN dir_teams ot ON ot.team_id = o.team_id
LEFT JOIN dir_workflows ow ON ow.workflow_id = o.workflow`;
}

export const OUTCOME_FROM = outcomeFrom();

const OUTCOME_GROUP: Partial<Record<Dimension, { key: string; label: string }>> = {
  team: { key: "coalesce(o.team_id, 'unattributed')", label: "coalesce(ot.name, o.team_id, 'unattributed')" },
  person: {
    key: "coalesce(o.person_id, 'unattributed')",
    label: "coalesce(op.name, o.person_id, 'unattributed')",
  },
  repository: { key: "coalesce(o.repo, 'unknown')", label: "coalesce(o.repo, 'unknown')" },
  workflow: { key: "coalesce(o.workflow, 'none')", label: "coalesce(ow.name, o.workflow, 'none')" },
};

/** Dimensions delivery facts carry: metrics that join spend to delivery can only be grouped by these. */
export const DELIVERY_DIMENSIONS = [
  'team',
  'person',
  'repository',
  'workflow',
] as const satisfies Dimension[];

/**
 * The groups of a breakdown (its spend key over the ledger, its delivery key over outcomes) that fold into
 * "other" for this context's audience, by the people behind each in the window. Under a tool or model filter
 * only spend counts: delivery facts have neither, and the numbers narrowed are the tool's users' spend.
 */
export async function foldedGroups(
  ctx: MetricContext,
  spendKey: string,
  outcomeKey: string | null,
  sizeFrom: 'spend' | 'delivery' | 'both',
): Promise<string[]> {
  if (!protectsGroups(ctx.privacy, ctx.viewer, ctx.filter)) return [];
  const narrowed = ctx.filter?.tools !== undefined || ctx.filter?.models !== undefined;
  const parts: string[] = [];
  if (sizeFrom !== 'delivery' || narrowed || !outcomeKey)
    parts.push(
      `SELECT ${spendKey} AS g, l.person_id AS pid FROM ${SPEND_FROM} WHERE ${windowFilter('l.day', ctx)}`,
    );
  if (sizeFrom !== 'spend' && !narrowed && outcomeKey)
    parts.push(
      `SELECT ${outcomeKey} AS g, o.person_id AS pid FROM ${OUTCOME_FROM} WHERE ${windowFilter('o.day', ctx)}`,
    );
  const sizes = await ctx.db.query(
    `SELECT g, ${dialectOf(ctx).distinctList('pid')} AS people
     FROM (${parts.join(' UNION ALL ')}) GROUP BY g`,
    windowParams(ctx.window),
  );
  const rows = new Map(
    sizes.map((r) => [String(r.g), new Set(Array.isArray(r.people) ? r.people.map(String) : [])]),
  );
  return [...rowsToFold(rows, ctx.privacy.minGroupSize)].sort();
}

/** The teams this context's audience may not see on their own (empty when it may see people). */
export async function foldedTeams(ctx: MetricContext): Promise<Set<string>> {
  const g = groupFor('team', namesPeople(ctx.privacy, ctx.viewer, ctx.filter));
  const o = OUTCOME_GROUP.team;
  return new Set(await foldedGroups(ctx, g.key, o?.key ?? null, 'both'));
}

/**
 * The grouping for `requested` in this context. `sizeFrom` says which facts count a team's people: spend
 * (the ledger), delivery (outcomes) or both, matching what the metric reads.
 */
export async function grouping(
  ctx: MetricContext,
  requested: Dimension | null,
  sizeFrom: 'spend' | 'delivery' | 'both' = 'both',
): Promise<Grouping> {
  if (requested === null) {
    return {
      dim: null,
      spendKey: "'all'",
      spendLabel: "'all'",
      outcomeKey: "'all'",
      outcomeLabel: "'all'",
      notes: [],
    };
  }
  const notes: string[] = [];
  let dim = requested;
  const named = namesPeople(ctx.privacy, ctx.viewer, ctx.filter);
  if (dim === 'person' && !named) {
    dim = 'team';
    notes.push('People may not be named to this viewer: grouped by team instead.');
  }
  const g = groupFor(dim, named);
  const o = OUTCOME_GROUP[dim] ?? null;
  const base: Grouping = {
    dim,
    spendKey: g.key,
    spendLabel: g.label,
    outcomeKey: o?.key ?? null,
    outcomeLabel: o?.label ?? null,
    notes,
  };
  // Whoever may see the people behind the rows sees every row; anyone else never sees a row (of any
  // dimension: a team, a tool's users, a key, a repository) behind fewer than min_group_size people.
  const min = ctx.privacy.minGroupSize;
  const small = await foldedGroups(ctx, g.key, o?.key ?? null, sizeFrom);
  if (small.length === 0) return base;
  notes.push(
    `${small.length} group${small.length === 1 ? '' : 's'} merged into "other": no group of fewer than ${min} people is shown on its own.`,
  );
  const list = small.map(sqlString).join(', ');
  const otherLabel = sqlString(`other (${small.length} groups)`);
  const fold = (key: string, label: string) => ({
    key: `CASE WHEN ${key} IN (${list}) THEN 'other' ELSE ${key} END`,
    label: `CASE WHEN ${key} IN (${list}) THEN ${otherLabel} ELSE ${label} END`,
  });
  const s = fold(g.key, g.label);
  const d = o ? fold(o.key, o.label) : null;
  return {
    ...base,
    spendKey: s.key,
    spendLabel: s.label,
    outcomeKey: d?.key ?? null,
    outcomeLabel: d?.label ?? null,
  };
}
