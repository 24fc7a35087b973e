import type { BilledDimension } from '../domain/billed-dimensions.js';
import { SERVER_TOOL_PRICING } from './server-tools.js';

/**
 * How Mileage prices each billed dimension (cost.ts priceBreakdown, and the store's SQL in
 * store/duckdb/price-rates.ts): `priced` says whether a record's list estimate carries it. The README's
 * source × dimension table is checked against this table and sources/dimensions.ts (test/readme-dimensions).
 */
export const DIMENSION_PRICING = {
  input: { priced: true, how: 'price library `input_mtok` (or the org model price), per million' },
  output: { priced: true, how: '`output_mtok`, per million (reasoning included)' },
  cacheRead: { priced: true, how: '`cache_read_mtok`; the input price where the library lists none' },
  cacheWrite5m: { priced: true, how: '`cache_write_mtok`; the input price where the library lists none' },
  cacheWrite1h: {
    priced: true,
    how: '`cache_write_1h_mtok`; unpriced (with the reason) where the library lists none',
  },
  reasoning: { priced: false, how: 'part of output, priced there; never added again' },
  audioInput: { priced: true, how: '`input_audio_mtok`; unpriced where the model has no audio price' },
  audioOutput: { priced: true, how: '`output_audio_mtok`; unpriced where the model has no audio price' },
  webSearch: { priced: true, how: '`web_searches_kcount`, per 1,000 searches' },
  webFetch: {
    priced: SERVER_TOOL_PRICING.webFetch.kind === 'per_use',
    how: 'no charge beyond the tokens it adds (Anthropic): $0 a fetch',
  },
  codeExecution: {
    priced: false,
    how: 'not per request: Anthropic bills container-hours, which the Anthropic cost report carries',
  },
  serviceTier: {
    priced: true,
    how: 'a factor from `price_multipliers` in mileage.yaml; unpriced without one',
  },
  batch: {
    priced: true,
    how: '× 0.5, published by Anthropic, OpenAI and Google (`price_multipliers` can override)',
  },
  contextTier: {
    priced: true,
    how: "the library's long-context prices, per request (above 200k input tokens)",
  },
  geo: { priced: true, how: 'a factor from `price_multipliers`; unpriced without one' },
  speed: { priced: true, how: 'a factor from `price_multipliers`; unpriced without one' },
} as const satisfies Record<BilledDimension, { priced: boolean; how: string }>;
