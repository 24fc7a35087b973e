import { attributedPrs } from '../../metrics/pr-cost.js';
import { relation } from '../../metrics/relations.js';
import { outcomeFrom } from '../../metrics/spend-from.js';
import type { MetricContext } from '../../metrics/metric.js';
import { dialectOf, windowFilter, windowParams } from '../../metrics/metric.js';
import { Decimal } from 'decimal.js';
import { usd, ZERO_USD, type Usd } from '../../domain/money.js';
import type { Row } from '../../store/db.js';

/**
 * Merged PRs with their attributed cost (sessions on the PR's branch first, then the author's remaining spend
 * over their PRs: src/metrics/pr-cost.ts), its evidence, and the basis of the spend behind it: the author's
 * single ledger basis, or `mixed`. Reads through the request's filtered store. With `author`, only the PRs of
 * `$author`, from that person's rows alone.
 */
/**
 * The PR's own columns, each aliased: ClickHouse names a joined relation's column after its table (`o.team_id`)
 * when another relation of the join has one of the same name (the teams' and people's tables here).
 */
const PR_COLUMNS = [
  'id',
  'repo',
  'ref',
  'head_branch',
  'opened_at',
  'team_id',
  'person_id',
  'points',
  'points_basis',
  'ai_assisted',
  'ai_evidence',
  'rework',
  'rework_reason',
  'category',
  'cost_evidence',
] as const;

function prRows(ctx: MetricContext, options: { author?: boolean } = {}): string {
  const d = dialectOf(ctx);
  return `WITH basis AS (
    SELECT person_id, CASE WHEN count(DISTINCT basis) = 1 THEN min(basis) ELSE 'mixed' END AS basis
    FROM ${relation(ctx, 'ledger_daily')} WHERE ${windowFilter('day', d)} AND NOT unpriced
      AND person_id IS NOT NULL AND workflow_id IS NULL ${options.author ? `AND person_id = ${d.param('author', 'String')}` : ''} GROUP BY 1
  )
  SELECT ${PR_COLUMNS.map((c) => `o.${c} AS ${c}`).join(', ')}, o.occurred_at AS merged_at,
    ot.name AS team_name, op.name AS person_name,
    ${d.decimal('o.pr_cost', 2)} AS cost, coalesce(b.basis, 'none') AS basis
  FROM ${outcomeFrom(ctx, ['people', 'teams'], attributedPrs({ ...options, on: ctx }))} LEFT JOIN basis b ON b.person_id = o.person_id`;
}

export interface PrRow {
  id: string;
  repo: string | null;
  number: number | null;
  mergedAt: string;
  team: string | null;
  points: number | null;
  /** Null when the author may not be named to this caller: a PR's cost is one person's spend. */
  cost: string | null;
  basis: string;
  evidence: string;
}

const str = (v: Row[string] | undefined) => (v === null || v === undefined ? null : String(v));

export function prNumber(ref: Row[string] | undefined): number | null {
  const n = Number(ref);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * `named(team)`: whether people of that team may be named to the caller (their PR costs shown);
 * `teamShown(team)`: whether the team itself may (not a team below the minimum group size).
 */
export function toPrRow(
  r: Row,
  named: (team: string | null) => boolean,
  teamShown: (team: string | null) => boolean = () => true,
): PrRow {
  return {
    id: String(r.id),
    repo: str(r.repo),
    number: prNumber(r.ref),
    mergedAt: String(r.merged_at),
    team: teamShown(str(r.team_id)) ? str(r.team_id) : null,
    points: r.points === null ? null : Number(r.points),
    cost: named(str(r.team_id)) ? String(r.cost) : null,
    basis: String(r.basis),
    evidence: String(r.cost_evidence),
  };
}

/** One page of the window's merged PRs, newest first, and how many there are in all. */
export async function listPrs(
  ctx: MetricContext,
  repos: string[] | undefined,
  page: { limit: number; offset: number },
): Promise<{ rows: Row[]; total: number }> {
  const d = dialectOf(ctx);
  const params: Record<string, string | number> = { ...windowParams(ctx.window), ...page };
  const names = (repos ?? []).map((r, i) => {
    params[`repo${i}`] = r;
    return d.param(`repo${i}`, 'String');
  });
  const where = repos ? `WHERE ${names.length ? `repo IN (${names.join(', ')})` : 'false'}` : '';
  // Every PR's cost needs the whole window anyway; only the page's rows leave the database.
  const rows = await ctx.db.query(
    `SELECT *, count(*) OVER () AS total FROM (${prRows(ctx)}) ${where}
     ORDER BY merged_at DESC, id LIMIT ${d.param('limit', 'Int64')} OFFSET ${d.param('offset', 'Int64')}`,
    params,
  );
  const total = rows.length > 0 ? Number(rows[0]?.total) : await countPrs(ctx, where, params);
  return { rows: rows.map(({ total: _, ...row }) => row), total };
}

/** The count alone, for a page past the end (which has no row to carry it). */
async function countPrs(
  ctx: MetricContext,
  where: string,
  params: Record<string, string | number>,
): Promise<number> {
  const { limit: _l, offset: _o, ...rest } = params;
  const [row] = await ctx.db.query(`SELECT count(*) AS n FROM (${prRows(ctx)}) ${where}`, rest);
  return Number(row?.n ?? 0);
}

/**
 * One PR's row. A PR's cost depends only on its author's spend and PRs: it is computed from that person's rows
 * alone (`prRows(ctx, { author: true })`). A PR of no known person has no person × period share: every such PR's row comes
 * from the whole window, which is rare enough.
 */
export async function onePr(
  ctx: MetricContext,
  pr: { id: string; personId: string | null },
): Promise<Row | null> {
  const id = dialectOf(ctx).param('id', 'String');
  const [row] =
    pr.personId === null
      ? await ctx.db.query(`SELECT * FROM (${prRows(ctx)}) WHERE id = ${id} AND person_id IS NULL`, {
          ...windowParams(ctx.window),
          id: pr.id,
        })
      : await ctx.db.query(`SELECT * FROM (${prRows(ctx, { author: true })}) WHERE id = ${id}`, {
          ...windowParams(ctx.window),
          id: pr.id,
          author: pr.personId,
        });
  return row ?? null;
}

/** The PR's merge day, to centre a drill-down's default window on it, and its author. */
export async function prDay(
  ctx: MetricContext,
  id: string,
): Promise<{ day: string; personId: string | null } | null> {
  const [row] = await ctx.db.query(
    `SELECT CAST(day AS VARCHAR) AS day, person_id FROM ${relation(ctx, 'outcomes_identity')}
     WHERE id = ${dialectOf(ctx).param('id', 'String')} AND kind = 'pr_merged'`,
    { id },
  );
  return row
    ? { day: String(row.day), personId: row.person_id === null ? null : String(row.person_id) }
    : null;
}

/** The spend the session → PR join tied to one PR: per session, and per API key (both labels of a key). */
export interface BranchSpend {
  sessions: Row[];
  /** `key` names a person's own key after them; `hidden_key` shows its redacted hint instead. */
  keys: Row[];
}

/**
 * The agent sessions the session → PR join tied to this PR (session on its branch, in its repository, while
 * it was open: src/store/duckdb/outcome-links.ts), with their ledger cost; and the API keys that spend went
 * through. The same entries make up the PR's session cost, so the drill-down adds up to it. They are read
 * from `ledger_pr_parts` (the PR's ledger entries summed per day, session and key, sorted by PR: a few rows),
 * not by finding the PR's records among every ledger entry of their days; both lists from one statement.
 */
export async function branchSpend(ctx: MetricContext, id: string): Promise<BranchSpend> {
  const d = dialectOf(ctx);
  const rows = await ctx.db.query(
    `WITH entries AS (
       SELECT p.session, p.tool, p.model, p.cost, p.top, coalesce(k.name, p.key_hint, 'no key') AS key,
         CASE WHEN k.owner IS NOT NULL THEN coalesce(p.key_hint, 'personal key')
           ELSE coalesce(k.name, p.key_hint, 'no key') END AS hidden_key
       FROM ${relation(ctx, 'ledger_pr_parts')} p LEFT JOIN ${relation(ctx, 'dir_keys')} k ON k.key_hash = p.key_hash
       WHERE p.pr_id = ${d.param('id', 'String')} AND ${windowFilter('p.day', d)} AND NOT p.unpriced
     )
     -- Ordered outside the UNION: ClickHouse applies a trailing ORDER BY to the last SELECT only.
     SELECT * FROM (
       SELECT 'session' AS part, session AS name, NULL AS hidden_key, min(tool) AS tool,
         ${d.argMax('model', 'top')} AS model, ${d.decimal('sum(cost)', 2)} AS cost, sum(cost) AS exact,
         NULL AS exact_text
       FROM entries GROUP BY session
       UNION ALL
       SELECT 'key', key, hidden_key, NULL, NULL, NULL, sum(cost), ${d.text('sum(cost)')} FROM entries GROUP BY key, hidden_key
     ) ORDER BY part DESC, exact DESC, name`,
    { ...windowParams(ctx.window), id },
  );
  const part = (name: string) => rows.filter((r) => r.part === name);
  return {
    sessions: part('session')
      .slice(0, 200)
      .map((r) => ({
        session: r.name ?? null,
        tool: r.tool ?? null,
        model: r.model ?? null,
        cost: r.cost ?? null,
      })),
    keys: part('key').map((r) => ({
      key: r.name ?? null,
      hidden_key: r.hidden_key ?? null,
      cost: r.exact_text ?? null,
    })),
  };
}

/**
 * Keys as a caller may see them: a person's own key is named after them, so where people may not be named
 * it shows its redacted hint, and keys that then share a label are added together.
 */
export function keysFor(keys: readonly Row[], showPeople: boolean): { key: string; cost: string }[] {
  const out = new Map<string, Usd>();
  for (const k of keys) {
    const label = String(showPeople ? k.key : k.hidden_key);
    out.set(label, (out.get(label) ?? ZERO_USD).plus(usd(String(k.cost))));
  }
  return [...out]
    .sort((a, b) => b[1].comparedTo(a[1]) || a[0].localeCompare(b[0]))
    .map(([key, cost]) => ({ key, cost: cost.toFixed(2, Decimal.ROUND_HALF_UP) })); // as SQL rounds a cast
}
