import type { ResolvedPrice, TokenPrices } from '../domain/prices.js';
import type { AppliedPrice, Db, PricingTarget, TokenRates } from '../store/db.js';

/** What the pricing pass needs from the price book: a price in force for a model at a time. */
export interface PriceResolver {
  resolve(provider: string | null, model: string, at: Date): ResolvedPrice | null;
}

const RATE_DECIMALS = 16;

function perToken(p: TokenPrices): TokenRates {
  // Cache kinds without their own price are charged at the input price (see pricing/cost.ts).
  const rate = (mtok: TokenPrices['inputMtok'] | null) =>
    (mtok ?? p.inputMtok).dividedBy(1_000_000).toDecimalPlaces(RATE_DECIMALS).toFixed();
  return {
    input: rate(p.inputMtok),
    cacheRead: rate(p.cacheReadMtok),
    cacheWrite: rate(p.cacheWriteMtok),
    output: rate(p.outputMtok),
  };
}

export interface PricingSummary {
  targets: number;
  priced: number;
  unpricedModels: number;
}

/**
 * Prices stored records in one pass: each distinct (provider, model, UTC day) is resolved once against the
 * price book, and the store multiplies tokens by per-token rates in exact decimal. `all` re-prices
 * everything (after a price override changed); otherwise only what has no price yet.
 */
export async function pricingPass(db: Db, book: PriceResolver, all = false): Promise<PricingSummary> {
  if (all) await db.clearListPrices();
  const targets = await db.pricingTargets(!all);
  const { prices, missing } = resolvePrices(book, targets);
  const priced = await db.applyPrices(prices);
  return { targets: targets.length, priced, unpricedModels: missing.size };
}

/**
 * The price in force for each (provider, model, UTC day), as per-token rates; `missing` names the models the
 * book has no price for (their records stay unpriced). The agent-log commit uses it to price requests as it
 * writes them, so the pass after it has nothing left to do.
 */
export function resolvePrices(
  book: PriceResolver,
  targets: readonly PricingTarget[],
): { prices: AppliedPrice[]; missing: Set<string> } {
  const prices: AppliedPrice[] = [];
  const missing = new Set<string>();
  for (const t of targets) {
    const resolved = book.resolve(t.provider, t.model, new Date(`${t.day}T12:00:00Z`));
    if (!resolved) {
      missing.add(`${t.provider ?? ''}/${t.model}`);
      continue;
    }
    prices.push({
      ...t,
      ref: resolved.ref,
      rates: perToken(resolved.prices),
      tierThreshold: resolved.tierThreshold,
      tierRates: resolved.tier ? perToken(resolved.tier) : null,
    });
  }
  return { prices, missing };
}
