import { sqlString } from '../store/sql-text.js';
import { dialectOf, windowFilter, windowParams, type MetricContext } from './metric.js';
import { namesPeople, protectsGroups, rowsToFold } from './privacy.js';
import { groupFor, type Dimension } from './query.js';
import { outcomeFrom, spendFrom, type DirectoryJoin } from './spend-from.js';

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
  /** The directory joins the spend key and label read: `spendFrom(ctx, rollup, g.spendJoins)`. */
  spendJoins: readonly DirectoryJoin[];
  /** The directory joins the delivery key and label read: `outcomeFrom(ctx, g.outcomeJoins)`. */
  outcomeJoins: readonly DirectoryJoin[];
  notes: string[];
}

/** A dimension's SQL over delivery (`o`, outcomeFrom): its key, its label and the directory join the label reads. */
const OUTCOME_GROUP: Partial<Record<Dimension, { key: string; label: string; joins: DirectoryJoin[] }>> = {
  team: {
    key: "coalesce(o.team_id, 'unattributed')",
    label: "coalesce(ot.name, o.team_id, 'unattributed')",
    joins: ['teams'],
  },
  person: {
    key: "coalesce(o.person_id, 'unattributed')",
    label: "coalesce(op.name, o.person_id, 'unattributed')",
    joins: ['people'],
  },
  repository: { key: "coalesce(o.repo, 'unknown')", label: "coalesce(o.repo, 'unknown')", joins: [] },
  workflow: {
    key: "coalesce(o.workflow, 'none')",
    label: "coalesce(ow.name, o.workflow, 'none')",
    joins: ['workflows'],
  },
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
  spend: { key: string; joins: readonly DirectoryJoin[] },
  outcomeKey: string | null,
  sizeFrom: 'spend' | 'delivery' | 'both',
): Promise<string[]> {
  if (!protectsGroups(ctx.privacy, ctx.viewer, ctx.filter)) return [];
  const narrowed = ctx.filter?.tools !== undefined || ctx.filter?.models !== undefined;
  const parts: string[] = [];
  if (sizeFrom !== 'delivery' || narrowed || !outcomeKey)
    parts.push(
      `SELECT ${spend.key} AS g, l.person_id AS pid FROM ${spendFrom(ctx, 'ledger_daily', spend.joins)} WHERE ${windowFilter('l.day', ctx)}`,
    );
  if (sizeFrom !== 'spend' && !narrowed && outcomeKey)
    parts.push(
      `SELECT ${outcomeKey} AS g, o.person_id AS pid FROM ${outcomeFrom(ctx)} WHERE ${windowFilter('o.day', ctx)}`,
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
  return new Set(await foldedGroups(ctx, { key: g.key, joins: g.keyJoins }, o?.key ?? null, 'both'));
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
      spendJoins: [],
      outcomeJoins: [],
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
    spendJoins: [...new Set([...g.keyJoins, ...g.labelJoins])],
    outcomeJoins: o?.joins ?? [],
    notes,
  };
  // Whoever may see the people behind the rows sees every row; anyone else never sees a row (of any
  // dimension: a team, a tool's users, a key, a repository) behind fewer than min_group_size people.
  const min = ctx.privacy.minGroupSize;
  const small = await foldedGroups(ctx, { key: g.key, joins: g.keyJoins }, o?.key ?? null, sizeFrom);
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
