import type { Repricer } from '../pricing/repricer.js';
import { usd, type Usd } from '../domain/money.js';
import type { TokenCounts } from '../domain/usage.js';
import { grouping } from './grouping.js';
import { spendFrom } from './spend-from.js';
import { windowFilter, windowParams, type MetricContext } from './metric.js';
import type { Dimension } from './query.js';
import type { MetricTable } from './table.js';

export interface WhatIfScenario {
  /** Re-price on this model; null keeps each record's own model (a cache-only scenario). */
  model: string | null;
  /** Target cache-hit ratio: cache reads ÷ (uncached input + cache reads), raised to at least this. */
  cacheHit: number | null;
}

/**
 * The tokens of a record under a better cache-hit ratio: the prompt P = uncached input + cache reads keeps
 * its size, cache reads become max(current, R × P), and the rest stays uncached input. Cache writes and
 * output are unchanged (the cache still has to be written once).
 */
export function withCacheHit(t: TokenCounts, r: number): TokenCounts {
  const prompt = t.input + t.cacheRead;
  const cacheRead = Math.max(t.cacheRead, Math.round(r * prompt));
  return { ...t, cacheRead, input: prompt - cacheRead };
}

/**
 * whatif.reprice: the window's priced usage (per group, model and day) re-priced at list price on another
 * model and/or with a better cache-hit ratio, scaled by what it actually cost over its own list price so that
 * negotiated discounts carry over (the same rule as the model-fit what-if). Seat charges and usage whose
 * current model has no list price are kept at their actual cost and counted as not re-priced.
 */
export async function whatIf(
  ctx: MetricContext,
  reprice: Repricer,
  scenario: WhatIfScenario,
  by: Dimension | null,
): Promise<MetricTable> {
  const g = await grouping(ctx, by, 'spend');
  const parts = await ctx.db.query(
    `SELECT ${g.spendKey} AS key, min(${g.spendLabel}) AS label, l.provider, l.model, CAST(l.day AS VARCHAR) AS day,
       sum(l.input_tokens) AS input, sum(l.cache_read_tokens) AS cache_read, sum(l.cache_write_tokens) AS cache_write,
       sum(l.output_tokens) AS output, sum(l.reasoning_tokens) AS reasoning, CAST(sum(l.cost) AS VARCHAR) AS cost,
       l.stream LIKE 'seat:%' AS seat
     FROM ${spendFrom(ctx, 'ledger_daily', g.spendJoins)} WHERE ${windowFilter('l.day', ctx)} AND NOT l.unpriced
     GROUP BY 1, 3, 4, 5, seat ORDER BY 1, 4, 5, seat`,
    windowParams(ctx.window),
  );
  const groups = new Map<string, { label: string; actual: Usd; whatIf: Usd; repriced: Usd }>();
  let missingTarget = false;
  for (const p of parts) {
    const key = String(p.key);
    const grp = groups.get(key) ?? {
      label: String(p.label),
      actual: usd(0),
      whatIf: usd(0),
      repriced: usd(0),
    };
    groups.set(key, grp);
    const actual = usd(String(p.cost));
    grp.actual = grp.actual.plus(actual);
    const tokens: TokenCounts = {
      input: Number(p.input),
      cacheRead: Number(p.cache_read),
      cacheWrite: Number(p.cache_write),
      output: Number(p.output),
      reasoning: Number(p.reasoning),
    };
    const model = (p.model as string | null) ?? null;
    const provider = (p.provider as string | null) ?? null;
    const at = new Date(`${String(p.day)}T12:00:00Z`);
    const now = model === null || p.seat === true ? null : reprice(provider, model, at, tokens);
    const target = scenario.model ?? model;
    const then =
      now === null || now.isZero() || target === null
        ? null
        : reprice(
            scenario.model === null ? provider : null,
            target,
            at,
            scenario.cacheHit === null ? tokens : withCacheHit(tokens, scenario.cacheHit),
          );
    if (now === null || now.isZero() || then === null) {
      if (now !== null && !now.isZero() && then === null) missingTarget = true;
      grp.whatIf = grp.whatIf.plus(actual);
      continue;
    }
    grp.whatIf = grp.whatIf.plus(actual.times(then).dividedBy(now));
    grp.repriced = grp.repriced.plus(actual);
  }
  const sorted = [...groups.entries()].sort(
    ([ka, a], [kb, b]) => b.actual.comparedTo(a.actual) || ka.localeCompare(kb),
  );
  const rows = sorted.map(([key, x]) => ({
    key,
    label: x.label,
    values: {
      actual: x.actual.toFixed(),
      what_if: x.whatIf.toFixed(),
      saving: x.actual.minus(x.whatIf).toFixed(),
      saving_share: x.actual.isZero() ? null : x.actual.minus(x.whatIf).dividedBy(x.actual).toNumber(),
      repriced_share: x.actual.isZero() ? null : x.repriced.dividedBy(x.actual).toNumber(),
    },
  }));
  const what = [
    scenario.model ? `on ${scenario.model}` : null,
    scenario.cacheHit !== null
      ? `with a cache-hit ratio of at least ${Math.round(scenario.cacheHit * 100)}%`
      : null,
  ]
    .filter(Boolean)
    .join(' ');
  return {
    metric: 'whatif.reprice',
    window: ctx.window,
    by: g.dim,
    columns: [
      { id: 'actual', label: 'actual', unit: 'USD' },
      { id: 'what_if', label: 'what-if', unit: 'USD' },
      { id: 'saving', label: 'saving', unit: 'USD (negative = would cost more)' },
      { id: 'saving_share', label: 'saving %', unit: 'share of actual' },
      { id: 'repriced_share', label: 're-priced', unit: 'share of actual spend re-priced' },
    ],
    rows,
    notes: [
      ...g.notes,
      `Scenario: the same tokens ${what || 'at their own prices'}, list prices at the time of use, scaled by each record's actual ÷ list cost (discounts carry over).`,
      'Not re-priced (kept at actual): seat charges and usage under a seat (the seat price does not change), usage whose model has no list price.',
      ...(missingTarget
        ? [
            `${scenario.model ?? 'The target model'} has no list price on some days: those days are kept at actual cost.`,
          ]
        : []),
      'Whether the cheaper setting clears the workload’s quality bar needs an audit on the same inputs.',
    ],
  };
}
