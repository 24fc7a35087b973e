import type { ResolvedPrice, TokenPrices } from '../domain/prices.js';
import { usd } from '../domain/money.js';
import type { FactorLookup } from '../pricing/cost.js';
import type { AppliedPrice, Db, PricingTarget, TokenRates } from '../store/db.js';

/** What the pricing pass needs from the price book: a price in force for a model at a time. */
export interface PriceResolver {
  resolve(provider: string | null, model: string, at: Date): ResolvedPrice | null;
  /** Factors for how requests were served (the price book's); without it only standard service is priced. */
  factors?(provider: string | null, at: Date): FactorLookup;
}

const RATE_DECIMALS = 16;

type Mtok = TokenPrices['inputMtok'];

function perToken(p: TokenPrices): TokenRates {
  // Cache kinds without their own price are charged at the input price (see pricing/cost.ts); the other
  // dimensions without a price stay null, which leaves a record holding them unpriced.
  const rate = (mtok: Mtok | null) =>
    (mtok ?? p.inputMtok).dividedBy(1_000_000).toDecimalPlaces(RATE_DECIMALS).toFixed();
  const own = (mtok: Mtok | null | undefined, per = 1_000_000) =>
    mtok === null || mtok === undefined ? null : mtok.dividedBy(per).toDecimalPlaces(RATE_DECIMALS).toFixed();
  return {
    input: rate(p.inputMtok),
    cacheRead: rate(p.cacheReadMtok),
    cacheWrite: rate(p.cacheWriteMtok),
    output: rate(p.outputMtok),
    cacheWrite1h: own(p.cacheWrite1hMtok),
    audioInput: own(p.inputAudioMtok),
    audioOutput: own(p.outputAudioMtok),
    webSearch: own(p.webSearchPerK, 1_000),
  };
}

/** Values that are the list price itself (see pricing/cost.ts). */
const STANDARD = { serviceTier: 'standard', batch: 'false', geo: 'global', speed: 'standard' } as const;

/** The product of the factors of a target's service, or null when one of them has no known factor. */
function factorOf(t: PricingTarget, lookup: FactorLookup | undefined): string | null {
  let factor = usd(1);
  const asked = [
    ['serviceTier', t.serviceTier],
    ['batch', t.batch === null || t.batch === undefined ? null : String(t.batch)],
    ['geo', t.geo],
    ['speed', t.speed],
  ] as const;
  for (const [dimension, value] of asked) {
    if (value === null || value === undefined || value === STANDARD[dimension]) continue;
    const f = lookup?.(dimension, value);
    if (!f) return null;
    factor = factor.times(f.factor);
  }
  return factor.toFixed();
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
    const at = new Date(`${t.day}T12:00:00Z`);
    const resolved = book.resolve(t.provider, t.model, at);
    const factor = resolved && factorOf(t, book.factors?.(t.provider, at));
    if (!resolved || factor === null) {
      missing.add(`${t.provider ?? ''}/${t.model}`);
      continue;
    }
    prices.push({
      ...t,
      ref: resolved.ref,
      rates: perToken(resolved.prices),
      tierThreshold: resolved.tierThreshold,
      tierRates: resolved.tier ? perToken(resolved.tier) : null,
      factor,
    });
  }
  return { prices, missing };
}
