import type { PriceMultiplier, PriceOverride, ResolvedPrice } from '../domain/prices.js';
import type { BillingDimensions, Cost, ServerToolUse, TokenCounts } from '../domain/usage.js';
import { listCatalogModels, resolveListPrice } from './catalog.js';
import { priceBreakdown, type Breakdown, type FactorLookup } from './cost.js';
import { findFactor } from './multipliers.js';
import { applyOverride, selectOverride, utcDay } from './overrides.js';
import { sameProvider } from './provider-ids.js';

/**
 * The prices an org pays: list prices at event time with its overrides on top. One instance per loaded org
 * file; it is called once per usage record, so the overridden prices are built once per (list price,
 * override) and reused.
 */
export class PriceBook {
  readonly #overrides: readonly PriceOverride[];
  /** list price → `${override index}\0${provider}` → price after that override. */
  readonly #overridden = new WeakMap<ResolvedPrice, Map<string, ResolvedPrice | null>>();
  /** The same for records without a list price (only model prices can price them). */
  readonly #unlisted = new Map<string, ResolvedPrice | null>();

  readonly #multipliers: readonly PriceMultiplier[];

  constructor(overrides: readonly PriceOverride[] = [], multipliers: readonly PriceMultiplier[] = []) {
    this.#overrides = [...overrides];
    this.#multipliers = [...multipliers];
  }

  /** The factor lookup for a provider on a day: the org's multipliers, then the published ones. */
  factors(provider: string | null, at: Date): FactorLookup {
    const day = utcDay(at);
    return (dimension, value) => findFactor(this.#multipliers, provider, dimension, value, day);
  }

  /**
   * Every dimension of a usage priced, with its unit price and source: what `prices explain` shows. Null
   * when the model has no price at all.
   */
  explain(
    provider: string | null,
    model: string | null,
    at: Date,
    usage: {
      tokens: TokenCounts;
      requests?: number;
      serverTools?: ServerToolUse;
      billing?: BillingDimensions;
    },
  ): { price: ResolvedPrice; breakdown: Breakdown } | null {
    const price = this.resolve(provider, model, at);
    if (!price) return null;
    return { price, breakdown: priceBreakdown(price, usage, this.factors(provider, at)) };
  }

  /** The price of `model` at `provider` in force at `at`, or null when unpriced. */
  resolve(provider: string | null, model: string | null, at: Date): ResolvedPrice | null {
    if (model === null || model.trim() === '') return null;
    const list = resolveListPrice(provider, model, at);
    if (this.#overrides.length === 0) return list;
    const index = selectOverride(this.#overrides, provider, model, utcDay(at), list);
    const override = this.#overrides[index];
    if (!override) return list;

    const key = `${index}\u0000${provider ?? ''}`;
    let byOverride = list === null ? this.#unlisted : this.#overridden.get(list);
    if (!byOverride) {
      byOverride = new Map();
      if (list) this.#overridden.set(list, byOverride);
    }
    let price = byOverride.get(key);
    if (price === undefined) {
      price = applyOverride(override, provider, list);
      byOverride.set(key, price);
    }
    return price;
  }

  /**
   * A list estimate for a record. Unpriced gives `amount: null` and `priceRef: null`, never $0, so that totals
   * can report what they leave out. `requests` is how many requests an aggregated record covers (for the
   * long-context tier, see `costOf`).
   */
  estimate(
    provider: string | null,
    model: string | null,
    at: Date,
    tokens: TokenCounts,
    requests = 1,
    dims: { serverTools?: ServerToolUse | undefined; billing?: BillingDimensions | undefined } = {},
  ): Cost {
    const explained = this.explain(provider, model, at, { tokens, requests, ...dims });
    if (!explained || explained.breakdown.amount === null)
      return { amount: null, basis: 'list_estimate', priceRef: null };
    return { amount: explained.breakdown.amount, basis: 'list_estimate', priceRef: explained.price.ref };
  }

  /** Model ids this book can price today (catalog and org model prices), for suggestions. */
  listModels(provider: string | null = null): string[] {
    const ids = new Set(listCatalogModels(provider));
    for (const o of this.#overrides) {
      if (o.kind !== 'model_price') continue;
      if (provider === null || o.provider === null || sameProvider(o.provider, provider)) ids.add(o.model);
    }
    return [...ids].sort();
  }
}
