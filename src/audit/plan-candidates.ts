import { usd, type Usd } from '../domain/money.js';
import type { ResolvedPrice } from '../domain/prices.js';
import type { TokenCounts } from '../domain/usage.js';
import { CHEAPER_CANDIDATES, type WorkloadModelUsage } from '../diagnostics/model-fit.js';

/** What the plan needs of the price book: a model's price at a time, and a usage's cost at it. */
export interface PlanPricer {
  resolve(provider: string | null, model: string, at: Date): ResolvedPrice | null;
  estimate(
    provider: string | null,
    model: string,
    at: Date,
    tokens: TokenCounts,
    requests: number,
  ): { amount: Usd | null };
}

export interface ListPrices {
  /** USD per million tokens, as decimal strings; null where the model has no such price. */
  inputMtok: string;
  cacheReadMtok: string | null;
  cacheWriteMtok: string | null;
  outputMtok: string;
}

export interface PlanCandidate {
  provider: string;
  model: string;
  /** Same provider as the incumbent (a cheaper model of its family), or another provider's. */
  sameProvider: boolean;
  listPrices: ListPrices;
  /** The workload's own token mix over the window, at the candidate's list prices. */
  cost: Usd;
  /** The incumbent's list cost of the same tokens minus the candidate's. */
  saving: Usd;
  savingShare: number;
}

export interface IncumbentCost {
  /** The same tokens at the incumbent's own list prices; null when a model of it has no price. */
  listCost: Usd | null;
}

function listPricesOf(price: ResolvedPrice): ListPrices {
  const p = price.prices;
  return {
    inputMtok: p.inputMtok.toString(),
    cacheReadMtok: p.cacheReadMtok?.toString() ?? null,
    cacheWriteMtok: p.cacheWriteMtok?.toString() ?? null,
    outputMtok: p.outputMtok.toString(),
  };
}

/**
 * A token mix summed over many requests says nothing of one request's size: it is priced at the base tier
 * (requests ≠ 1), as the store prices its daily aggregates, unless the rows really are one request.
 */
const aggregateRequests = (part: WorkloadModelUsage): number =>
  part.requests === 1 ? 1 : Math.max(2, part.requests);

/** Sum of each part's tokens priced on (provider, model); null when any part cannot be priced. */
export function listCostOf(
  pricer: PlanPricer,
  parts: readonly WorkloadModelUsage[],
  on: (part: WorkloadModelUsage) => { provider: string | null; model: string },
): Usd | null {
  let total = usd(0);
  for (const part of parts) {
    const target = on(part);
    const cost = pricer.estimate(
      target.provider,
      target.model,
      part.at,
      part.tokens,
      aggregateRequests(part),
    ).amount;
    if (cost === null) return null;
    total = total.plus(cost);
  }
  return total;
}

/**
 * Candidates for a workload: the cheaper models of its own provider first, then those of the other
 * providers (CHEAPER_CANDIDATES, the what-if list), each priced at list on the workload's own token mix.
 * Only candidates that cost less than the incumbent's list cost are kept, cheapest first.
 */
export function priceCandidates(
  pricer: PlanPricer,
  parts: readonly WorkloadModelUsage[],
  incumbentList: Usd | null,
): PlanCandidate[] {
  if (parts.length === 0 || incumbentList === null || incumbentList.isZero()) return [];
  const own = new Set(parts.map((p) => p.provider ?? ''));
  const current = new Set(parts.map((p) => p.model));
  const at = parts.reduce((latest, p) => (p.at > latest ? p.at : latest), parts[0]?.at ?? new Date());
  const out: PlanCandidate[] = [];
  for (const [provider, models] of Object.entries(CHEAPER_CANDIDATES)) {
    for (const model of models) {
      if (current.has(model)) continue;
      const price = pricer.resolve(provider, model, at);
      if (!price) continue;
      const cost = listCostOf(pricer, parts, () => ({ provider, model }));
      if (cost === null || !cost.lessThan(incumbentList)) continue;
      const saving = incumbentList.minus(cost);
      out.push({
        provider,
        model,
        sameProvider: own.has(provider),
        listPrices: listPricesOf(price),
        cost,
        saving,
        savingShare: saving.dividedBy(incumbentList).toNumber(),
      });
    }
  }
  return out.sort(
    (a, b) =>
      Number(b.sameProvider) - Number(a.sameProvider) ||
      a.cost.comparedTo(b.cost) ||
      a.model.localeCompare(b.model),
  );
}
