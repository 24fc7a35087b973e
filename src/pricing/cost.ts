import { usd, ZERO_USD, type Usd } from '../domain/money.js';
import type { ResolvedPrice, TokenPrices } from '../domain/prices.js';
import type { TokenCounts } from '../domain/usage.js';

const MILLION = usd(1_000_000);

function term(tokens: number, perMtok: Usd): Usd {
  return tokens === 0 ? ZERO_USD : perMtok.times(tokens);
}

/**
 * Which prices apply. Long-context tiers are priced on the whole request, not on the tokens past the
 * threshold: a request whose total input (uncached + cache read + cache write, which is what genai-prices
 * and the vendors count) exceeds the threshold pays the tier price for every token, output included.
 *
 * An aggregated record (a session, a day) does not say how large each request was; we use the mean input per
 * request. That is exact when requests are alike and an approximation otherwise, which is all a list
 * estimate for a rolled-up record can be.
 */
export function pricesFor(price: ResolvedPrice, tokens: TokenCounts, requests = 1): TokenPrices {
  if (price.tier === null || price.tierThreshold === null) return price.prices;
  const context = (tokens.input + tokens.cacheRead + tokens.cacheWrite) / Math.max(1, requests);
  return context > price.tierThreshold ? price.tier : price.prices;
}

/**
 * Exact decimal cost of `tokens` at `price`:
 * (input × input + cacheRead × cacheRead + cacheWrite × cacheWrite + output × output) / 1e6.
 *
 * `tokens.input` is uncached input only, so each token kind is counted once. `reasoning` is part of `output`
 * and is not added again. A missing cache price means the vendor does not price that kind separately: OpenAI
 * and Gemini have no cache-write price because writing the cache costs nothing extra (those tokens bill as
 * ordinary input), and a model without a cache-read price gives no cache discount. Either way the tokens were
 * input, so they fall back to the input price; pricing them at 0 would understate the cost.
 */
export function costOf(price: ResolvedPrice, tokens: TokenCounts, requests = 1): Usd {
  const p = pricesFor(price, tokens, requests);
  return term(tokens.input, p.inputMtok)
    .plus(term(tokens.cacheRead, p.cacheReadMtok ?? p.inputMtok))
    .plus(term(tokens.cacheWrite, p.cacheWriteMtok ?? p.inputMtok))
    .plus(term(tokens.output, p.outputMtok))
    .dividedBy(MILLION);
}
