import { formatUsd, usd, type Usd } from '../domain/money.js';
import { median } from '../domain/statistics.js';
import type { TokenCounts } from '../domain/usage.js';
import { WINDOW_FILTER, windowParams, type MetricContext } from '../metrics/metric.js';
import { tokensPerDollar, workloadSqlFor, type WorkloadSpend } from '../metrics/workloads.js';
import type { Finding } from './finding.js';

/** List-price a token volume on a model at a time; null when the model has no price. */
export type Repricer = (provider: string | null, model: string, at: Date, tokens: TokenCounts) => Usd | null;

/** Cheaper models worth auditing a workload on, per provider: the what-if candidates. */
export const CHEAPER_CANDIDATES: Record<string, string[]> = {
  anthropic: ['claude-haiku-4-5', 'claude-sonnet-4-6'],
  openai: ['gpt-4.1-mini', 'gpt-5-mini'],
  google: ['gemini-2.5-flash'],
};

const MIN_SPEND = usd(50);
/** Flag when the top workload buys fewer than a quarter of the tokens per dollar its peers buy... */
const PEER_RATIO_FLAG = 0.25;
/** ...and a cheaper candidate would have cost at most half as much. */
const SAVING_FLAG = 0.5;

export interface WhatIf {
  model: string;
  cost: Usd;
  saving: Usd;
  savingShare: number;
}

async function workloadTokensByModel(
  ctx: MetricContext,
  workloadId: string,
): Promise<{ provider: string | null; model: string; tokens: TokenCounts; cost: Usd; at: Date }[]> {
  const rows = await ctx.db.query(
    `WITH lw AS (${await workloadSqlFor(ctx)})
     SELECT provider, model, sum(input_tokens) AS input, sum(cache_read_tokens) AS cache_read,
       sum(cache_write_tokens) AS cache_write, sum(output_tokens) AS output, sum(reasoning_tokens) AS reasoning,
       CAST(coalesce(sum(cost), 0) AS VARCHAR) AS cost, CAST(max(day) AS VARCHAR) AS last_day
     FROM lw WHERE ${WINDOW_FILTER} AND workload_id = $workload AND model IS NOT NULL AND NOT unpriced
     GROUP BY provider, model`,
    { ...windowParams(ctx.window), workload: workloadId },
  );
  return rows.map((r) => ({
    provider: (r.provider as string | null) ?? null,
    model: String(r.model),
    tokens: {
      input: Number(r.input),
      cacheRead: Number(r.cache_read),
      cacheWrite: Number(r.cache_write),
      output: Number(r.output),
      reasoning: Number(r.reasoning),
    },
    cost: usd(String(r.cost)),
    at: new Date(`${String(r.last_day)}T12:00:00Z`),
  }));
}

/**
 * The what-if: the workload's own tokens re-priced on each cheaper candidate at list price, scaled by the
 * ratio of what it actually cost to its list price (so negotiated discounts carry over).
 */
export async function whatIfCheaper(
  ctx: MetricContext,
  workload: WorkloadSpend,
  reprice: Repricer,
): Promise<WhatIf[]> {
  const parts = await workloadTokensByModel(ctx, workload.id);
  const providers = new Set(parts.map((p) => p.provider ?? ''));
  const candidates = [...providers].flatMap((p) => CHEAPER_CANDIDATES[p] ?? []);
  const results: WhatIf[] = [];
  for (const candidate of candidates) {
    let listNow = usd(0);
    let listThen = usd(0);
    let actual = usd(0);
    let complete = true;
    for (const part of parts) {
      const now = reprice(part.provider, part.model, part.at, part.tokens);
      const then = reprice(part.provider, candidate, part.at, part.tokens);
      if (!now || !then || now.isZero()) {
        complete = false;
        break;
      }
      listNow = listNow.plus(now);
      listThen = listThen.plus(then);
      actual = actual.plus(part.cost);
    }
    if (!complete || listNow.isZero() || parts.every((p) => p.model === candidate)) continue;
    const cost = listThen.times(actual).dividedBy(listNow);
    const saving = actual.minus(cost);
    if (saving.isPositive()) {
      results.push({ model: candidate, cost, saving, savingShare: saving.dividedBy(actual).toNumber() });
    }
  }
  return results.sort((a, b) => b.savingShare - a.savingShare);
}

export async function modelFitFinding(
  ctx: MetricContext,
  workloads: WorkloadSpend[],
  reprice: Repricer,
): Promise<Finding | null> {
  const top = workloads[0];
  if (!top || top.cost.lessThan(MIN_SPEND)) return null;
  const topTpd = tokensPerDollar(top);
  const peers = workloads
    .slice(1, 8)
    .map(tokensPerDollar)
    .filter((v): v is number => v !== null);
  if (topTpd === null || peers.length < 2) return null;
  const peerMedian = median(peers);
  const ratio = topTpd / peerMedian;
  const whatIfs = await whatIfCheaper(ctx, top, reprice);
  const best = whatIfs[0];
  const flag = ratio < PEER_RATIO_FLAG && best !== undefined && best.savingShare >= SAVING_FLAG;
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  return {
    id: 'model_fit.top_workload',
    section: 'model_fit',
    flag,
    question: `Is the top workload, ${top.label}, on the right model?`,
    answer: flag
      ? `${top.label} buys ${fmt(topTpd)} tokens per dollar on ${top.model ?? 'its model'}, ${(1 / ratio).toFixed(1)}x fewer than its peers' median of ${fmt(peerMedian)}; on ${best.model} the same tokens would have cost ${formatUsd(best.cost)} instead of ${formatUsd(top.cost)} (${Math.round(best.savingShare * 100)}% less).`
      : `${top.label} buys ${fmt(topTpd)} tokens per dollar, in line with its peers' median of ${fmt(peerMedian)}.`,
    evidence: {
      workload: top.label,
      model: top.model ?? 'unknown',
      spend: formatUsd(top.cost),
      tokens_per_dollar: Math.round(topTpd),
      peer_median_tokens_per_dollar: Math.round(peerMedian),
      ratio_to_peers: Number(ratio.toFixed(3)),
      ...(best
        ? {
            cheaper_model: best.model,
            what_if_cost: formatUsd(best.cost),
            what_if_saving: formatUsd(best.saving),
          }
        : {}),
    },
    metricIds: ['model_fit.top_workload', 'efficiency.tokens_per_dollar', 'spend.by_workload'],
    action: flag
      ? `Audit ${top.label} on ${best.model}: run a week of its inputs through both models and score them against its quality bar; move it if the cheaper model passes.`
      : null,
  };
}
