import { formatUsd, usd, type Usd } from '../domain/money.js';
import type { TokenCounts } from '../domain/usage.js';
import { dialectOf, windowFilter, windowParams, type MetricContext } from '../metrics/metric.js';
import { bandBasis, bandFor, configuredBands, workloadWeeks } from '../metrics/workload-bands.js';
import { tokensPerDollar, workloadSqlFor, type WorkloadSpend } from '../metrics/workloads.js';
import type { Finding } from './finding.js';
import { countText, timesText } from './evidence-format.js';
import { auditNote } from './model-fit-audit.js';
import type { Repricer } from '../pricing/repricer.js';

/** Cheaper models worth auditing a workload on, per provider: the what-if candidates. */
export const CHEAPER_CANDIDATES: Record<string, string[]> = {
  anthropic: ['claude-haiku-4-5', 'claude-sonnet-4-6'],
  openai: ['gpt-4.1-mini', 'gpt-5-mini'],
  google: ['gemini-2.5-flash'],
};

const MIN_SPEND = usd(50);
/** Flag when the top workload buys fewer than a quarter of the tokens per dollar its peers of type buy... */
const PEER_RATIO_FLAG = 0.25;
/** ...and a cheaper candidate would have cost at most half as much. */
const SAVING_FLAG = 0.5;

export interface WhatIf {
  model: string;
  cost: Usd;
  saving: Usd;
  savingShare: number;
}

/** A workload's priced usage in the context's window, per (provider, model): its token mix and what it cost. */
export interface WorkloadModelUsage {
  provider: string | null;
  model: string;
  tokens: TokenCounts;
  /** Requests the rows cover (0 when the sources do not count them): long-context tiers are per request. */
  requests: number;
  cost: Usd;
  at: Date;
}

export async function workloadTokensByModel(
  ctx: MetricContext,
  workloadId: string,
): Promise<WorkloadModelUsage[]> {
  const rows = await ctx.db.query(
    `WITH lw AS (${await workloadSqlFor(ctx)})
     SELECT provider, model, sum(input_tokens) AS input, sum(cache_read_tokens) AS cache_read,
       sum(cache_write_tokens) AS cache_write, sum(output_tokens) AS output, sum(reasoning_tokens) AS reasoning,
       coalesce(sum(requests), 0) AS requests, CAST(coalesce(sum(cost), 0) AS VARCHAR) AS cost, CAST(max(day) AS VARCHAR) AS last_day
     FROM lw WHERE ${windowFilter('day', ctx)} AND workload_id = ${dialectOf(ctx).param('workload', 'String')} AND model IS NOT NULL AND NOT unpriced
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
    requests: Number(r.requests),
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

/**
 * model_fit.top_workload: the costliest workload against the band of its own type — configured in
 * mileage.yaml, else learned from the other workloads of that type across the org (never from its own
 * history, nor from workloads of other kinds) — with the what-if of cheaper models. A workload alone in its
 * type with no configured band is compared with nothing, and the finding says so.
 */
export async function modelFitFinding(
  ctx: MetricContext,
  workloads: WorkloadSpend[],
  reprice: Repricer,
): Promise<Finding | null> {
  const finding = await bandFinding(ctx, workloads, reprice);
  const top = workloads[0];
  // Only a workflow has a quality bar and audits; keys, people and streams are not audited.
  if (!finding || !top || top.kind !== 'workflow') return finding;
  const audit = await auditNote(ctx, top.id);
  const act =
    audit.stale || audit.verdict === null
      ? null
      : audit.verdict === 'move'
        ? `Move ${top.label} to ${audit.candidate}: its audit passed the quality bar.`
        : `Keep ${top.label} on ${top.model ?? 'its model'}: its audit showed ${audit.candidate} fails the quality bar, which is why the expensive model is justified.`;
  return {
    ...finding,
    answer: `${finding.answer} ${audit.sentence}`,
    evidence: { ...finding.evidence, ...audit.evidence },
    action: finding.flag ? (act ?? finding.action) : finding.action,
  };
}

async function bandFinding(
  ctx: MetricContext,
  workloads: WorkloadSpend[],
  reprice: Repricer,
): Promise<Finding | null> {
  const top = workloads[0];
  if (!top || top.cost.lessThan(MIN_SPEND)) return null;
  const topTpd = tokensPerDollar(top);
  if (topTpd === null) return null;
  const type = top.workloadType ?? 'unspecified';
  const [weeks, configured, whatIfs] = await Promise.all([
    workloadWeeks(ctx, ctx.window),
    configuredBands(ctx.db),
    whatIfCheaper(ctx, top, reprice),
  ]);
  const band = bandFor(type, top.id, weeks, configured);
  const best = whatIfs[0];
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const whatIf: Record<string, string> = best
    ? {
        cheaper_model: best.model,
        what_if_cost: formatUsd(best.cost),
        what_if_saving: formatUsd(best.saving),
      }
    : {};
  const base = {
    id: 'model_fit.top_workload',
    section: 'model_fit' as const,
    question: `Is the top workload, ${top.label}, on the right model?`,
    metricIds: [
      'model_fit.top_workload',
      'efficiency.expected_band',
      'spend.by_workload',
    ] satisfies Finding['metricIds'] as Finding['metricIds'],
  };
  const evidence = {
    workload: top.label,
    workload_type: type,
    model: top.model ?? 'unknown',
    spend: formatUsd(top.cost),
    tokens_per_dollar: countText(topTpd),
    band_from: bandBasis(type, band),
  };
  if (band.kind === 'none') {
    return {
      ...base,
      flag: false,
      answer: `${top.label} buys ${fmt(topTpd)} tokens per dollar on ${top.model ?? 'its model'}; ${band.reason}${best ? ` (on ${best.model} the same tokens would have cost ${formatUsd(best.cost)} instead of ${formatUsd(top.cost)})` : ''}. Configure a band for ${type} in mileage.yaml (workload_types) to judge it.`,
      evidence: { ...evidence, ...whatIf },
      action: null,
    };
  }
  // Against peers: below a quarter of their median; against a configured band: below its low edge.
  const reference = band.kind === 'peers' ? band.median : band.low;
  const ratio = topTpd / reference;
  const below = band.kind === 'peers' ? ratio < PEER_RATIO_FLAG : ratio < 1;
  const flag = below && best !== undefined && best.savingShare >= SAVING_FLAG;
  const against =
    band.kind === 'peers'
      ? `its peers' median of ${fmt(band.median)} (${bandBasis(type, band)})`
      : `the low edge of the ${fmt(band.low)}–${fmt(band.high)} band configured for ${type}`;
  return {
    ...base,
    flag,
    answer: flag
      ? `${top.label} buys ${fmt(topTpd)} tokens per dollar on ${top.model ?? 'its model'}, ${(1 / ratio).toFixed(1)}x fewer than ${against}; on ${best.model} the same tokens would have cost ${formatUsd(best.cost)} instead of ${formatUsd(top.cost)} (${Math.round(best.savingShare * 100)}% less).`
      : `${top.label} buys ${fmt(topTpd)} tokens per dollar, ${below ? 'below' : 'in line with'} ${against}${below ? ', and no cheaper model would halve its cost' : ''}.`,
    evidence: {
      ...evidence,
      [band.kind === 'peers' ? 'peer_median_tokens_per_dollar' : 'band_low_tokens_per_dollar']:
        countText(reference),
      ratio_to_band: timesText(ratio, 2),
      ...whatIf,
    },
    action: flag
      ? `Audit ${top.label} on ${best.model}: run a week of its inputs through both models and score them against its quality bar; move it if the cheaper model passes.`
      : null,
  };
}
