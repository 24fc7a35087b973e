import { workloadTokensByModel } from '../diagnostics/model-fit.js';
import type { Usd } from '../domain/money.js';
import type { MetricContext } from '../metrics/metric.js';
import { bandFor, configuredBands, workloadWeeks, type Band } from '../metrics/workload-bands.js';
import { spendByWorkload, tokensPerDollar, type WorkloadSpend } from '../metrics/workloads.js';
import { currentBar, type QualityBar } from './bar.js';
import { listCostOf, priceCandidates, type PlanCandidate, type PlanPricer } from './plan-candidates.js';
import { newerInFamily } from './plan-reaudit.js';
import { latestAudit, type StoredAudit } from './stored-runs.js';

/**
 * `mileage audit plan`: which workloads to audit first. The costliest workloads of the window with their
 * model, their tokens per dollar against peers of their type, the cheaper candidates priced at list on their
 * own token mix (cache reads and writes included), whether a quality bar is written and when they were last
 * audited. Labels come from the workload SQL, which already describes a person's usage by team when people
 * may not be named.
 */
export interface PlanWorkload {
  kind: WorkloadSpend['kind'];
  id: string;
  label: string;
  workloadType: string;
  model: string | null;
  spend: Usd;
  tokens: { input: number; cacheRead: number; cacheWrite: number; output: number };
  /** Cache reads over all prompt tokens (input + cache read + cache write). */
  cacheShare: number | null;
  tokensPerDollar: number | null;
  peers: Band;
  /** The same tokens at the incumbent's list prices; null when a model of it has no list price. */
  incumbentListCost: Usd | null;
  candidates: PlanCandidate[];
  /** Only workflows carry a bar and audits; null for keys, teams and streams. */
  bar: { written: boolean; version: number | null } | null;
  lastAudit: { id: string; day: string; incumbent: string; candidates: string[] } | null;
  /** Newer models of an audited model's family now in the catalog: the audit did not try them. */
  reaudit: { audited: string; newer: string }[];
}

export interface AuditPlan {
  window: { since: string; until: string };
  workloads: PlanWorkload[];
}

export interface PlanInputs {
  pricer: PlanPricer;
  /** The org file's quality bars; null when there is no org file to read them from. */
  bars: readonly QualityBar[] | null;
  /** Model ids the price catalog lists, per provider (for the re-audit hint). */
  catalog: (provider: string) => readonly string[];
  top: number;
}

async function lastAuditOf(ctx: MetricContext, workflow: string): Promise<StoredAudit | null> {
  try {
    return await latestAudit(ctx.db, workflow);
  } catch {
    // A store without the audit tables (older, another dialect) has no audits.
    return null;
  }
}

function reauditHints(
  audit: StoredAudit,
  catalog: PlanInputs['catalog'],
  provider: string | null,
): PlanWorkload['reaudit'] {
  const models = [audit.incumbent, ...audit.verdicts.map((v) => v.candidate)];
  const tried = new Set(models);
  const ids = provider ? catalog(provider) : [];
  return models.flatMap((audited) => {
    const newer = newerInFamily(audited, ids);
    return newer && !tried.has(newer) ? [{ audited, newer }] : [];
  });
}

async function planWorkload(
  ctx: MetricContext,
  w: WorkloadSpend,
  inputs: PlanInputs,
  peers: Band,
): Promise<PlanWorkload> {
  const parts = await workloadTokensByModel(ctx, w.id);
  const sum = (f: (t: (typeof parts)[number]['tokens']) => number) =>
    parts.reduce((n, p) => n + f(p.tokens), 0);
  const tokens = {
    input: sum((t) => t.input),
    cacheRead: sum((t) => t.cacheRead),
    cacheWrite: sum((t) => t.cacheWrite),
    output: sum((t) => t.output),
  };
  const prompt = tokens.input + tokens.cacheRead + tokens.cacheWrite;
  const incumbentListCost = listCostOf(inputs.pricer, parts, (p) => ({
    provider: p.provider,
    model: p.model,
  }));
  const isWorkflow = w.kind === 'workflow';
  const bar = isWorkflow && inputs.bars ? currentBar(inputs.bars, w.id) : null;
  const audit = isWorkflow ? await lastAuditOf(ctx, w.id) : null;
  const provider = parts.find((p) => p.model === w.model)?.provider ?? parts[0]?.provider ?? null;
  return {
    kind: w.kind,
    id: w.id,
    label: w.label,
    workloadType: w.workloadType ?? 'unspecified',
    model: w.model,
    spend: w.cost,
    tokens,
    cacheShare: prompt === 0 ? null : tokens.cacheRead / prompt,
    tokensPerDollar: tokensPerDollar(w),
    peers,
    incumbentListCost,
    candidates: priceCandidates(inputs.pricer, parts, incumbentListCost),
    bar: isWorkflow && inputs.bars ? { written: bar !== null, version: bar?.version ?? null } : null,
    lastAudit: audit && {
      id: audit.id,
      day: audit.finishedAt.slice(0, 10),
      incumbent: audit.incumbent,
      candidates: audit.verdicts.map((v) => `${v.candidate} ${v.verdict}`),
    },
    reaudit: audit ? reauditHints(audit, inputs.catalog, provider) : [],
  };
}

export async function auditPlan(ctx: MetricContext, inputs: PlanInputs): Promise<AuditPlan> {
  const all = await spendByWorkload(ctx);
  const top = all.filter((w) => w.cost.isPositive()).slice(0, Math.max(1, inputs.top));
  const [weeks, configured] = await Promise.all([workloadWeeks(ctx, ctx.window), configuredBands(ctx.db)]);
  const workloads: PlanWorkload[] = [];
  for (const w of top) {
    const peers = bandFor(w.workloadType ?? 'unspecified', w.id, weeks, configured);
    workloads.push(await planWorkload(ctx, w, inputs, peers));
  }
  return { window: { since: ctx.window.since, until: ctx.window.until }, workloads };
}
