import { usd } from '../domain/money.js';
import type { MultiplierDimension, PriceMultiplier } from '../domain/prices.js';
import type { PriceFactor } from './cost.js';
import { sameProvider } from './provider-ids.js';

/**
 * Factors the providers publish for how a request is served, applied when the org file says nothing:
 * - batch: half the standard price of every token kind at Anthropic ("Batch API … 50% discount",
 *   platform.claude.com/docs/en/about-claude/pricing), OpenAI ("Batch API: save 50% on inputs and outputs",
 *   openai.com/api/pricing) and Google ("Batch Mode … 50% of the interactive price", ai.google.dev pricing).
 * Priority and flex tiers, regional inference and fast mode are priced per model and per contract: they
 * stay unpriced until the org file gives their factor (price_multipliers).
 */
export const PUBLISHED_MULTIPLIERS: readonly PriceMultiplier[] = ['anthropic', 'openai', 'google'].map(
  (provider) => ({
    provider,
    dimension: 'batch' as const,
    value: 'true',
    factor: usd('0.5'),
    source: `published:${provider} batch 50%`,
    from: null,
    until: null,
  }),
);

/** The org's factor for a dimension value (the last matching entry wins), else the published one, else null. */
export function findFactor(
  orgMultipliers: readonly PriceMultiplier[],
  provider: string | null,
  dimension: MultiplierDimension,
  value: string,
  day: string,
): PriceFactor | null {
  const matches = (m: PriceMultiplier) =>
    m.dimension === dimension &&
    m.value === value &&
    (m.provider === null || (provider !== null && sameProvider(m.provider, provider))) &&
    (m.from === null || m.from <= day) &&
    (m.until === null || day < m.until);
  const org = orgMultipliers.filter(matches).at(-1);
  const found = org ?? PUBLISHED_MULTIPLIERS.find(matches);
  return found ? { dimension, value, factor: found.factor, source: found.source } : null;
}
