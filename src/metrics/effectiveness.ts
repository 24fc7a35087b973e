import { usd, type Usd } from '../domain/money.js';
import { OUTCOME_KIND_BY_WORKLOAD_TYPE } from '../domain/outcome.js';
import { sqlString } from '../store/sql-text.js';
import { defineMetric } from './define.js';
import { DELIVERY_DIMENSIONS, grouping } from './grouping.js';
import { relation } from './relations.js';
import { outcomeFrom, spendFrom } from './spend-from.js';
import { dialectOf, windowFilter, windowParams, type MetricContext } from './metric.js';
import { attributedPrs } from './pr-cost.js';
import { DIMENSIONS } from './query.js';
import { PEOPLE_SPEND, spendAndDelivery } from './spend-delivery.js';
import { money, moneyPer, moneyShare, num, numOrNull, ratio } from './table.js';
import { againstPreviousWindow, previousColumns, previousWindowNote } from './window-change.js';

const COST = 'l.cost';
const TOKENS = 'l.input_tokens + l.cache_read_tokens + l.cache_write_tokens + l.output_tokens';

/**
 * The inputs of cost per merged PR (and per closed ticket): the spend of people in the window (their agents
 * and seats, never workflow bots) and the count of their outcomes of `kind`. One definition, read by the
 * catalog metric and by `mileage scan`'s personal figure.
 */
export function peopleSpendPer(kind: 'pr_merged' | 'ticket_closed') {
  return {
    spend: COST,
    spendWhere: PEOPLE_SPEND,
    delivery: '1',
    deliveryWhere: `o.kind = ${sqlString(kind)}`,
  };
}

const PEOPLE_COST_COLUMNS = {
  'effectiveness.cost_per_merged_pr': [
    { id: 'cost_per_unit', label: '$ per merged PR', unit: 'USD per merged PR' },
    { id: 'spend', label: 'people spend', unit: 'USD' },
    { id: 'count', label: 'merged PRs', unit: 'count' },
    { id: 'attributed_per_pr', label: '$ per PR, sessions first', unit: 'USD per merged PR' },
    { id: 'session_share', label: 'by session', unit: 'share of dollars attributed to PRs' },
  ],
  'effectiveness.cost_per_closed_ticket': [
    { id: 'cost_per_unit', label: '$ per closed ticket', unit: 'USD per closed ticket' },
    { id: 'spend', label: 'people spend', unit: 'USD' },
    { id: 'count', label: 'closed tickets', unit: 'count' },
  ],
} as const;

/**
 * Spend of people per unit of their delivery (merged PRs, closed tickets), per group: the person × period
 * basis of effectiveness.cost_per_merged_pr, applied to another kind of outcome. Merged PRs add the dollars
 * the session → branch → PR join attributed to them (their table's last two columns).
 */
function peopleCostPer(metric: keyof typeof PEOPLE_COST_COLUMNS) {
  return defineMetric({
    id: metric,
    dims: DELIVERY_DIMENSIONS,
    columns: PEOPLE_COST_COLUMNS[metric],
    async compute(ctx, by) {
      const g = await grouping(ctx, by);
      const kind = metric === 'effectiveness.cost_per_merged_pr' ? 'pr_merged' : 'ticket_closed';
      // Two independent statements: side by side on the store's read connections.
      const [rows, byPr] = await Promise.all([
        spendAndDelivery(ctx, g, peopleSpendPer(kind)),
        kind === 'pr_merged' ? prAttribution(ctx, g) : null,
      ]);
      const unit = kind === 'pr_merged' ? 'merged PRs' : 'closed tickets';
      return {
        by: g.dim,
        rows: rows.map((r) => {
          // The dollars attributed to PRs are the group's priced spend: unknown too when all of it is unpriced.
          const a = r.unpricedOnly ? undefined : byPr?.get(r.key);
          return {
            key: r.key,
            label: r.label,
            values: {
              // A group whose spend is all unpriced has an unknown spend and ratio: null, never $0.
              cost_per_unit: r.unpricedOnly ? null : moneyPer(r.spendExact, r.delivery),
              spend: r.unpricedOnly ? null : r.spendExact,
              count: r.delivery,
              attributed_per_pr: a ? moneyPer(a.cost, a.prs) : null,
              session_share: a ? moneyShare(a.session, a.cost) : null,
            },
          };
        }),
        notes: [
          ...g.notes,
          `Attribution: person × period — the spend of people (their agents and seats, not workflow bots) in the window, over their ${unit} in the window.`,
          ...(byPr
            ? [
                '$ per PR, sessions first: spend of agent sessions on a PR’s head branch since the previous PR merged from that branch goes to that PR (session → branch → PR); the rest of each person’s spend is spread over their PRs by points. Each dollar counts once.',
              ]
            : []),
          'Tickets and PRs are different views of the same spend: never add the two figures up.',
        ],
      };
    },
  });
}

/** Per group: merged PRs, the dollars attributed to them (ATTRIBUTED_PRS) and the part found by session. */
async function prAttribution(
  ctx: MetricContext,
  g: Awaited<ReturnType<typeof grouping>>,
): Promise<Map<string, { prs: number; cost: string | null; session: string | null }>> {
  if (g.outcomeKey === null) return new Map();
  const rows = await ctx.db.query(
    `SELECT ${g.outcomeKey} AS key, count(*) AS prs, CAST(sum(o.pr_cost) AS VARCHAR) AS cost,
       CAST(sum(o.session_cost) AS VARCHAR) AS session
     FROM ${outcomeFrom(ctx, g.outcomeJoins, attributedPrs({ on: ctx }))} WHERE ${windowFilter('o.day', ctx)} GROUP BY 1`,
    windowParams(ctx.window),
  );
  return new Map(
    rows.map((r) => [String(r.key), { prs: num(r.prs), cost: money(r.cost), session: money(r.session) }]),
  );
}

/**
 * Of the dollars attributed to the window's merged PRs (ATTRIBUTED_PRS), the part the session → branch → PR
 * join found (the rest is person × period): exact decimals, with null share when no dollar went to a PR.
 */
export async function prSpendBySession(
  ctx: MetricContext,
): Promise<{ attributed: Usd; bySession: Usd; share: number | null }> {
  const [row] = await ctx.db.query(
    `SELECT CAST(coalesce(sum(o.pr_cost), 0) AS VARCHAR) AS cost, CAST(coalesce(sum(o.session_cost), 0) AS VARCHAR) AS session
     FROM ${outcomeFrom(ctx, [], attributedPrs({ on: ctx }))} WHERE ${windowFilter('o.day', ctx)}`,
    windowParams(ctx.window),
  );
  const attributed = usd(String(row?.cost ?? '0'));
  const bySession = usd(String(row?.session ?? '0'));
  return {
    attributed,
    bySession,
    share: attributed.isZero() ? null : bySession.dividedBy(attributed).toNumber(),
  };
}

/** effectiveness.cost_per_merged_pr: people's spend per merged PR, and per PR with sessions attributed first. */
export const costPerMergedPrMetric = peopleCostPer('effectiveness.cost_per_merged_pr');
export const costPerMergedPr = costPerMergedPrMetric.run;

/** effectiveness.cost_per_closed_ticket: people's spend per closed ticket (person × period). */
export const costPerClosedTicketMetric = peopleCostPer('effectiveness.cost_per_closed_ticket');
export const costPerClosedTicket = costPerClosedTicketMetric.run;

/**
 * Each workflow of the directory with the outcome kind that counts its output: its `outcome_kind`, else the
 * kind its keys' workload type delivers (OUTCOME_KIND_BY_WORKLOAD_TYPE: documentation → doc_published), else
 * null (any outcome tagged with it).
 */
const WORKFLOW_KINDS_SQL = `SELECT w.workflow_id, coalesce(w.outcome_kind, CASE ${Object.entries(
  OUTCOME_KIND_BY_WORKLOAD_TYPE,
)
  .map(([type, kind]) => `WHEN k.workload_type = ${sqlString(type)} THEN ${sqlString(kind)}`)
  .join(' ')} END) AS outcome_kind
FROM dir_workflows w
LEFT JOIN (SELECT workflow_id, min(workload_type) AS workload_type FROM dir_keys GROUP BY 1) k ON k.workflow_id = w.workflow_id`;

/**
 * effectiveness.cost_per_workflow_outcome: each workflow's spend (tags, keys → workflow) over the count of
 * its outcomes (WORKFLOW_KINDS_SQL: its outcome_kind, else its workload type's, else any outcome tagged
 * with it). A documentation workflow's figure is its cost per document published.
 */
export const costPerWorkflowOutcomeMetric = defineMetric({
  id: 'effectiveness.cost_per_workflow_outcome',
  dims: [],
  columns: [
    { id: 'cost_per_outcome', label: '$ per outcome', unit: 'USD per outcome' },
    { id: 'outcome_kind', label: 'outcome', unit: 'kind' },
    { id: 'spend', label: 'spend', unit: 'USD' },
    { id: 'outcomes', label: 'outcomes', unit: 'count' },
  ],
  async compute(ctx) {
    const rows = await ctx.db.query(
      `WITH s AS (
         SELECT l.workflow_id AS wf, sum(l.cost) FILTER (WHERE NOT l.unpriced) AS cost,
           coalesce(sum(l.records) FILTER (WHERE l.unpriced), 0) AS unpriced
         FROM ${spendFrom(ctx, 'ledger_daily')} WHERE ${windowFilter('l.day', ctx)} AND l.workflow_id IS NOT NULL GROUP BY 1
       ), kinds AS (
         ${WORKFLOW_KINDS_SQL}
       ), d AS (
         SELECT o.workflow AS wf, sum(o.count) AS outcomes FROM ${outcomeFrom(ctx)}
         LEFT JOIN kinds wk ON wk.workflow_id = o.workflow
         WHERE ${windowFilter('o.day', ctx)} AND o.workflow IS NOT NULL AND (wk.outcome_kind IS NULL OR o.kind = wk.outcome_kind)
         GROUP BY 1
       )
       SELECT coalesce(s.wf, d.wf) AS key, coalesce(dw.name, s.wf, d.wf) AS label, wk.outcome_kind AS outcome_kind,
         CAST(coalesce(s.cost, 0) AS VARCHAR) AS cost, coalesce(s.unpriced, 0) AS unpriced, coalesce(d.outcomes, 0) AS outcomes
       FROM s FULL OUTER JOIN d ON s.wf = d.wf LEFT JOIN ${relation(ctx, 'dir_workflows')} dw ON dw.workflow_id = coalesce(s.wf, d.wf)
       LEFT JOIN kinds wk ON wk.workflow_id = coalesce(s.wf, d.wf)
       ORDER BY coalesce(s.cost, 0) DESC, key`,
      windowParams(ctx.window),
    );
    return {
      by: 'workflow',
      rows: rows.map((r) => ({
        key: String(r.key),
        label: String(r.label),
        values: {
          // Unpriced usage is not $0: a workflow with any has unknown spend (null) and no ratio. Money is an
          // exact decimal string, rounded only by whoever displays it.
          cost_per_outcome:
            num(r.unpriced) > 0 || num(r.outcomes) === 0
              ? null
              : usd(String(r.cost)).dividedBy(num(r.outcomes)).toFixed(10),
          outcome_kind: (r.outcome_kind as string | null) ?? 'any',
          spend: num(r.unpriced) > 0 ? null : usd(String(r.cost)).toFixed(10),
          outcomes: num(r.outcomes),
        },
      })),
      notes: [
        'Workflows without recorded outcomes show spend and no ratio.',
        'A workflow with unpriced usage shows neither spend nor ratio: its dollars are unknown, not zero (see data.unpriced_volume).',
      ],
    };
  },
});

export const costPerWorkflowOutcome = costPerWorkflowOutcomeMetric.run;

/** effectiveness.tokens_per_session: mean, median and 90th percentile of tokens per agent session. */
export const tokensPerSessionMetric = defineMetric({
  id: 'effectiveness.tokens_per_session',
  dims: DIMENSIONS,
  columns: [
    { id: 'mean', label: 'mean tokens', unit: 'tokens per session' },
    { id: 'median', label: 'median', unit: 'tokens per session' },
    { id: 'p90', label: 'p90', unit: 'tokens per session' },
    { id: 'sessions', label: 'sessions', unit: 'count' },
  ],
  async compute(ctx, by) {
    const g = await grouping(ctx, by, 'spend');
    // Most dimensions label a group by its key: then the per-session step (a group per session, a million
    // for 13 weeks at 10M records) carries no label to take the min of; the label is the key afterwards.
    const keyIsLabel = g.spendLabel === g.spendKey;
    const d = dialectOf(ctx);
    const rows = await ctx.db.query(
      `WITH s AS (
         SELECT ${g.spendKey} AS key, ${keyIsLabel ? '' : `min(${g.spendLabel}) AS label, `}l.session_id, sum(${TOKENS}) AS tokens
         FROM ${spendFrom(ctx, 'ledger_sessions', g.spendJoins)} WHERE ${windowFilter('l.day', d)} AND l.session_id IS NOT NULL GROUP BY 1, ${keyIsLabel ? 2 : 3}
       )
       SELECT key, ${keyIsLabel ? 'key' : 'min(label)'} AS label, count(*) AS sessions, avg(tokens) AS mean,
         ${d.median('tokens')} AS median, ${d.quantile('tokens', 0.9)} AS p90
       FROM s GROUP BY 1 ORDER BY sessions DESC, 1`,
      windowParams(ctx.window),
    );
    return {
      by: g.dim,
      rows: rows.map((r) => ({
        key: String(r.key),
        label: String(r.label),
        values: {
          mean: numOrNull(r.mean),
          median: numOrNull(r.median),
          p90: numOrNull(r.p90),
          sessions: num(r.sessions),
        },
      })),
      notes: [...g.notes, 'Sessions are those the sources name (agent logs, OTel); API traffic has none.'],
    };
  },
});

export const tokensPerSession = tokensPerSessionMetric.run;

/**
 * effectiveness.tokens_per_point: people's tokens over the delivery points of their merged PRs, in the
 * window and in the window of the same length before it; the trend is the ratio of the two.
 */
export const tokensPerPointMetric = defineMetric({
  id: 'effectiveness.tokens_per_point',
  dims: DELIVERY_DIMENSIONS,
  columns: (ctx) => [
    { id: 'tokens_per_point', label: 'tokens per point', unit: 'tokens per point' },
    ...previousColumns(ctx, { previous: 'previous', change: 'trend' }, 'tokens per point'),
    { id: 'tokens', label: 'tokens', unit: 'tokens' },
    { id: 'points', label: 'points', unit: 'points' },
  ],
  async compute(ctx, by) {
    const g = await grouping(ctx, by);
    const q = {
      spend: TOKENS,
      spendWhere: PEOPLE_SPEND,
      delivery: 'coalesce(o.points, 0)',
      deliveryWhere: "o.kind = 'pr_merged'",
    };
    const perPoint = await againstPreviousWindow(
      ctx,
      async (window) => new Map((await spendAndDelivery(ctx, g, q, window)).map((r) => [r.key, r])),
      (r) => ratio(r.spend, r.delivery),
    );
    return {
      by: g.dim,
      rows: perPoint.rows.map(({ key, now, value, previous, change }) => ({
        key,
        label: now.label,
        values: { tokens_per_point: value, previous, trend: change, tokens: now.spend, points: now.delivery },
      })),
      notes: [...g.notes, previousWindowNote(perPoint.before)],
    };
  },
});

export const tokensPerPoint = tokensPerPointMetric.run;

/** The median of a numeric SQL expression over merged PRs in a window, per group. */
export async function outcomeMedian(
  ctx: MetricContext,
  g: Awaited<ReturnType<typeof grouping>>,
  expr: string,
  window = ctx.window,
): Promise<Map<string, { label: string; median: number | null; n: number; total: number }>> {
  if (g.outcomeKey === null || g.outcomeLabel === null) return new Map();
  const d = dialectOf(ctx);
  const rows = await ctx.db.query(
    `SELECT ${g.outcomeKey} AS key, min(${g.outcomeLabel}) AS label, ${d.median(expr)} AS m, count(${expr}) AS n,
       count(*) AS total
     FROM ${outcomeFrom(ctx, g.outcomeJoins)} WHERE ${windowFilter('o.day', d)} AND o.kind = 'pr_merged' GROUP BY 1 ORDER BY 1`,
    windowParams(window),
  );
  return new Map(
    rows.map((r) => [
      String(r.key),
      { label: String(r.label), median: numOrNull(r.m), n: num(r.n), total: num(r.total) },
    ]),
  );
}
