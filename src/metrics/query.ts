import { usd, type Usd } from '../domain/money.js';
import { modelLabelSql } from './model-label.js';
import { dialectOf, windowFilter, windowParams, type MetricContext } from './metric.js';
import { namesPeople, protectsGroups, rowsToFold } from './privacy.js';
import { seatStreamPerTool } from '../store/seat-streams.js';
import { ledgerRollup } from './rollup.js';
import { spendFrom, type DirectoryJoin } from './spend-from.js';

/** Dimensions an ad-hoc question can group spend by (`mileage query … --by X`). */
export const DIMENSIONS = [
  'tool',
  'model',
  'team',
  'person',
  'key',
  'workflow',
  'repository',
  'stream',
  'basis',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/**
 * A dimension's SQL over the ledger (`l`): its key, its label, how people-level it is, and the directory
 * tables each reads (`spendFrom` joins exactly those, so a statement never pays for a label it does not show).
 */
export interface GroupSql {
  key: string;
  label: string;
  people: boolean;
  keyJoins: readonly DirectoryJoin[];
  labelJoins: readonly DirectoryJoin[];
}

/** The SQL expression of each dimension over the ledger (`l`), and how people-level it is. */
export const GROUP: Record<Dimension, GroupSql> = {
  tool: plain("coalesce(l.tool, 'unknown')"),
  model: plain(modelLabelSql('l.')),
  team: {
    key: "coalesce(l.team_id, 'unattributed')",
    label: "coalesce(t.name, l.team_id, 'unattributed')",
    people: true,
    keyJoins: [],
    labelJoins: ['teams'],
  },
  person: {
    key: "coalesce(l.person_id, 'unattributed')",
    label: "coalesce(p.name, l.person_id, 'unattributed')",
    people: true,
    keyJoins: [],
    labelJoins: ['people'],
  },
  key: {
    key: "coalesce(l.key_hash, 'no key')",
    label: "coalesce(k.name, l.key_hint, 'no key')",
    people: false,
    keyJoins: [],
    labelJoins: ['keys'],
  },
  workflow: {
    key: "coalesce(l.workflow_id, 'none')",
    label: "coalesce(w.name, l.workflow_id, 'none')",
    people: false,
    keyJoins: [],
    labelJoins: ['workflows'],
  },
  repository: plain("coalesce(l.repo, 'unknown')"),
  stream: plain('l.stream'),
  basis: plain('l.basis'),
};

/** A dimension read from the ledger row alone, labelled by its key. */
function plain(expr: string): GroupSql {
  return { key: expr, label: expr, people: false, keyJoins: [], labelJoins: [] };
}

/**
 * A dimension's SQL for a viewer. Personal API keys are named after their owner (`claude-code-ana`), so when
 * people may not be named each team's personal keys fold into one group, labelled by team; local repository
 * paths lose the home folder that names their user; seat streams lose the person.
 */
export function groupFor(dim: Dimension, named: boolean): GroupSql {
  if (named || (dim !== 'key' && dim !== 'repository' && dim !== 'stream')) return GROUP[dim];
  if (dim === 'stream') {
    // A seat's stream is `seat:<tool>:<person>`: fold each tool's seats into one stream.
    return plain(seatStreamPerTool('l.stream'));
  }
  if (dim === 'repository') {
    // A repository without a remote is known by its local path, which names its user's home: drop that part.
    return plain(
      `regexp_replace(coalesce(l.repo, 'unknown'), '^(/home|/Users|[A-Za-z]:[\\\\/]Users)[\\\\/][^\\\\/]+', '~')`,
    );
  }
  return {
    key: "CASE WHEN k.owner IS NOT NULL THEN 'personal:' || coalesce(l.team_id, 'unattributed') ELSE coalesce(l.key_hash, 'no key') END",
    label:
      "CASE WHEN k.owner IS NOT NULL THEN 'personal keys · team ' || coalesce(t.name, l.team_id, 'unattributed') ELSE coalesce(k.name, l.key_hint, 'no key') END",
    people: false,
    keyJoins: ['keys'],
    labelJoins: ['keys', 'teams'],
  };
}

export interface SpendGroup {
  key: string;
  label: string;
  cost: Usd;
  tokens: number;
  cacheReadTokens: number;
  /** Distinct people behind the group: small groups are merged for privacy. */
  people: number;
  tokensPerDollar: number | null;
  share: number;
  /** Tokens with no price (in no dollar figure): counted only when asked for with `withUnpriced`. */
  unpricedTokens: number;
  /** False for a group whose usage is all unpriced: its cost is unknown, not $0. */
  priced: boolean;
}

/**
 * spend.total (and tokens per dollar) grouped by one dimension. People are grouped by name only where the
 * privacy settings let this viewer see them (else by team), and for an audience that may not see people
 * any group of fewer than `min_group_size` people is folded into "other" (metrics/privacy.ts).
 */
export async function spendBy(
  ctx: MetricContext,
  dimension: Dimension,
  o: { withUnpriced?: boolean } = {},
): Promise<SpendGroup[]> {
  const named = namesPeople(ctx.privacy, ctx.viewer, ctx.filter);
  const chosen = dimension === 'person' && !named ? 'team' : dimension;
  const g = groupFor(chosen, named);
  const d = dialectOf(ctx);
  // With unpriced usage its groups are kept (a team whose only usage has no price shows as unpriced, never
  // as missing or $0), and every sum of dollars and priced tokens leaves the unpriced rows out.
  const priced = (expr: string) => (o.withUnpriced ? `CASE WHEN l.unpriced THEN 0 ELSE ${expr} END` : expr);
  const tokenSum = 'l.input_tokens + l.cache_read_tokens + l.cache_write_tokens + l.output_tokens';
  const rows = await ctx.db.query(
    `SELECT ${g.key} AS key, min(${g.label}) AS label, ${d.text(`coalesce(sum(${priced('l.cost')}), 0)`)} AS cost,
       sum(${priced(tokenSum)}) AS tokens,
       sum(${priced('l.cache_read_tokens')}) AS cache_read,
       sum(${o.withUnpriced ? `CASE WHEN l.unpriced THEN ${tokenSum} ELSE 0 END` : '0'}) AS unpriced_tokens,
       sum(${priced('1')}) AS priced_rows,
       ${d.distinctList('l.person_id')} AS people
     FROM ${spendFrom(ctx, ledgerRollup(ctx.window), [...g.keyJoins, ...g.labelJoins])}
     WHERE ${windowFilter('l.day', d)}${o.withUnpriced ? '' : ' AND NOT l.unpriced'}
     GROUP BY 1 ORDER BY sum(${priced('l.cost')}) DESC, 1`,
    windowParams(ctx.window),
  );
  const people = new Map(
    rows.map((r) => [String(r.key), new Set(Array.isArray(r.people) ? r.people.map(String) : [])]),
  );
  const groups = rows.map((r) => ({
    key: String(r.key),
    label: String(r.label),
    cost: usd(String(r.cost)),
    tokens: Number(r.tokens ?? 0),
    cacheReadTokens: Number(r.cache_read ?? 0),
    unpricedTokens: Number(r.unpriced_tokens ?? 0),
    priced: Number(r.priced_rows ?? 0) > 0,
    people: people.get(String(r.key))?.size ?? 0,
  }));
  // For an audience that may not see people, groups of too few people fold into one large enough "other".
  const fold = protectsGroups(ctx.privacy, ctx.viewer, ctx.filter)
    ? rowsToFold(people, ctx.privacy.minGroupSize)
    : new Set<string>();
  const small = groups.filter((x) => fold.has(x.key));
  const safe = small.length
    ? [
        ...groups.filter((x) => !fold.has(x.key)),
        {
          key: 'other',
          label: `other (${small.length} groups)`,
          cost: small.reduce((a, x) => a.plus(x.cost), usd(0)),
          tokens: small.reduce((a, x) => a + x.tokens, 0),
          cacheReadTokens: small.reduce((a, x) => a + x.cacheReadTokens, 0),
          unpricedTokens: small.reduce((a, x) => a + x.unpricedTokens, 0),
          priced: small.some((x) => x.priced),
          people: new Set(small.flatMap((x) => [...(people.get(x.key) ?? [])])).size,
        },
      ]
    : groups;
  const total = safe.reduce((a, x) => a.plus(x.cost), usd(0));
  return safe.map((x) => ({
    ...x,
    tokensPerDollar: x.cost.isZero() ? null : x.tokens / x.cost.toNumber(),
    share: total.isZero() ? 0 : x.cost.dividedBy(total).toNumber(),
  }));
}
