import type { Usd } from './money.js';

/** USD per million tokens for each token kind; null where the price table has no entry for that kind. */
export interface TokenPrices {
  inputMtok: Usd;
  cacheReadMtok: Usd | null;
  cacheWriteMtok: Usd | null;
  outputMtok: Usd;
  /** 1-hour cache writes (Anthropic: 2× input); null = no such price (those writes stay unpriced). */
  cacheWrite1hMtok?: Usd | null | undefined;
  /** Audio input / output tokens; null = the model has no audio price (audio stays unpriced). */
  inputAudioMtok?: Usd | null | undefined;
  outputAudioMtok?: Usd | null | undefined;
  /** USD per 1,000 web searches (a server tool billed per use). */
  webSearchPerK?: Usd | null | undefined;
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

/** Billing dimensions a price depends on beside the tokens (see domain/usage BillingDimensions). */
export const MULTIPLIER_DIMENSIONS = ['serviceTier', 'batch', 'geo', 'speed'] as const;
export type MultiplierDimension = (typeof MULTIPLIER_DIMENSIONS)[number];

/**
 * A factor on the whole price of requests served a certain way: a provider's published rule (batch at half)
 * or what the org negotiated (a priority tier, a data-residency uplift), from the org file.
 */
export interface PriceMultiplier {
  provider: string | null;
  dimension: MultiplierDimension;
  /** The dimension's value (`priority`, `us`, `fast`, `true` for batch). */
  value: string;
  factor: Usd;
  /** Where the factor comes from: `published:…` or `org:price_multipliers[i]`. */
  source: string;
  from: string | null;
  until: string | null;
}
