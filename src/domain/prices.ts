import type { Usd } from './money.js';

/** USD per million tokens for each token kind; null where the price table has no entry for that kind. */
export interface TokenPrices {
  inputMtok: Usd;
  cacheReadMtok: Usd | null;
  cacheWriteMtok: Usd | null;
  outputMtok: Usd;
}

/** A list price that applies to one model from a date on, and where it came from. */
export interface ResolvedPrice {
  provider: string;
  model: string;
  /** `genai-prices@0.1.8:anthropic/claude-sonnet-4-6` or `override:<name>`: stored with every estimate. */
  ref: string;
  prices: TokenPrices;
  /** Context length above which `tier` prices apply to the whole request (long-context pricing), if any. */
  tierThreshold: number | null;
  tier: TokenPrices | null;
}

/** From the org file: a negotiated discount on a provider, or a custom price for a model, with effective dates. */
export type PriceOverride =
  | {
      kind: 'discount';
      provider: string;
      /** 0.15 = 15% off list. */
      percent: Usd;
      from: string | null;
      until: string | null;
    }
  | {
      kind: 'model_price';
      provider: string | null;
      model: string;
      prices: TokenPrices;
      from: string | null;
      until: string | null;
    };
