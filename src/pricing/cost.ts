import { usd, type Usd } from '../domain/money.js';
import type { MultiplierDimension, ResolvedPrice, TokenPrices } from '../domain/prices.js';
import type { BillingDimensions, ServerToolUse, TokenCounts } from '../domain/usage.js';
import { SERVER_TOOL_PRICING } from './server-tools.js';

const MILLION = usd(1_000_000);
const THOUSAND = usd(1_000);

/** What a record holds that has a price: its tokens, requests, server-tool uses and how it was served. */
export interface PricedUsage {
  tokens: TokenCounts;
  /** Requests an aggregated record covers (for the long-context tier); 1 for a request. */
  requests?: number | undefined;
  serverTools?: ServerToolUse | undefined;
  billing?: BillingDimensions | undefined;
}

/** One priced dimension: quantity × unit price = amount; a null unit price is an unpriced dimension. */
export interface PriceLine {
  dimension: string;
  quantity: number;
  /** `Mtok` (USD per million tokens) or `k` (USD per 1,000 uses). */
  per: 'Mtok' | 'k';
  unitPrice: Usd | null;
  amount: Usd | null;
  /** Why a price applies where it is not the dimension's own (`input price: no cache-read price`). */
  note?: string | undefined;
  /** Where the unit price comes from when it is not the record's price table (a provider's published term). */
  source?: string | undefined;
  /**
   * A quantity shown but not priced per record, and why (code execution is billed per container-hour): its
   * amount is null, yet it leaves the record priced, since the provider bills it elsewhere.
   */
  excluded?: string | undefined;
}

/** A factor on the whole price (batch, a service tier, a region, a speed). */
export interface PriceFactor {
  dimension: MultiplierDimension;
  value: string;
  factor: Usd;
  source: string;
}

export interface Breakdown {
  /** The total, or null (unpriced) when any dimension with a quantity has no price. */
  amount: Usd | null;
  /** Whether the long-context tier applied, and why. */
  tier: 'base' | 'long';
  tierReason: string;
  lines: PriceLine[];
  /** Sum of the lines before factors (null when unpriced). */
  subtotal: Usd | null;
  factors: PriceFactor[];
  /** Why the record is unpriced (empty when priced). */
  unpriced: string[];
}

/** Finds the factor for a dimension value (org override or published rule), or null when none is known. */
export type FactorLookup = (dimension: MultiplierDimension, value: string) => PriceFactor | null;

/** Values that are the list price itself: no factor needed. */
const STANDARD: Record<MultiplierDimension, readonly string[]> = {
  serviceTier: ['standard'],
  batch: ['false'],
  geo: ['global'],
  speed: ['standard'],
};

/**
 * Which prices apply. Long-context tiers are priced on the whole request, not on the tokens past the
 * threshold: a request whose total input (uncached + cache read + cache write, which is what genai-prices
 * and the vendors count) exceeds the threshold pays the tier price for every token, output included. A source
 * that reports the tier itself (Anthropic's usage report `context_window`) is taken at its word.
 *
 * An aggregated record (a session, a day) that does not report its tier does not say how large each request
 * was: it is priced at the base tier, as the store's SQL does (store/duckdb/price-rates.ts), and the
 * explanation says so.
 */
export function tierOf(price: ResolvedPrice, usage: PricedUsage): { tier: 'base' | 'long'; reason: string } {
  const reported = usage.billing?.contextTier;
  if (price.tier === null || price.tierThreshold === null)
    return reported === 'long'
      ? { tier: 'long', reason: 'the source reported the long-context tier' }
      : { tier: 'base', reason: 'the model has one price at every context length' };
  if (reported !== undefined)
    return { tier: reported, reason: `the source reported context tier ${reported}` };
  const requests = usage.requests ?? 1;
  if (requests !== 1)
    return {
      tier: 'base',
      reason: `an aggregate of ${requests} requests without a reported context tier is priced at the base tier`,
    };
  const t = usage.tokens;
  const context = t.input + t.cacheRead + t.cacheWrite;
  const above = context > price.tierThreshold;
  return {
    tier: above ? 'long' : 'base',
    reason: `the request's input, ${context} tokens, is ${above ? 'above' : 'at or below'} ${price.tierThreshold}`,
  };
}

export function pricesFor(price: ResolvedPrice, tokens: TokenCounts, requests = 1): TokenPrices {
  return tierOf(price, { tokens, requests }).tier === 'long' && price.tier ? price.tier : price.prices;
}

function line(
  dimension: string,
  quantity: number,
  per: 'Mtok' | 'k',
  unitPrice: Usd | null,
  note?: string,
): PriceLine {
  const amount =
    quantity === 0
      ? usd(0)
      : unitPrice === null
        ? null
        : unitPrice.times(quantity).dividedBy(per === 'Mtok' ? MILLION : THOUSAND);
  return { dimension, quantity, per, unitPrice, amount, note };
}

/** Web fetch and code execution, priced on the provider's published terms (pricing/server-tools.ts). */
function serverToolLines(tools: ServerToolUse | undefined): PriceLine[] {
  const fetch = SERVER_TOOL_PRICING.webFetch;
  const code = SERVER_TOOL_PRICING.codeExecution;
  const fetches = tools?.webFetch ?? 0;
  const runs = tools?.codeExecution ?? 0;
  return [
    { ...line('web fetch', fetches, 'k', fetch.perThousand), source: fetch.source },
    {
      dimension: 'code execution',
      quantity: runs,
      per: 'k',
      unitPrice: null,
      amount: runs === 0 ? usd(0) : null,
      excluded: runs === 0 ? undefined : code.reason,
    },
  ];
}

/**
 * Every priced dimension of a usage at `price`, and the factors of how it was served:
 * - text input (input less audio), cache reads, 5-minute cache writes (cache writes less 1-hour ones),
 *   1-hour cache writes, text output (output less audio), audio input and output, per million tokens;
 * - web searches per thousand; web fetches at $0 (no charge beyond their tokens); code execution shown but
 *   not priced per record (billed per container-hour, see pricing/server-tools.ts);
 * - × batch, service tier, region and speed factors (`factorFor`); a value with no known factor is unpriced.
 * `reasoning` is part of output and is not added again. A missing cache price means the vendor does not
 * price that kind separately: OpenAI and Gemini have no cache-write price because writing the cache costs
 * nothing extra (those tokens bill as ordinary input), and a model without a cache-read price gives no cache
 * discount; either way the tokens were input and take the input price. Audio, 1-hour writes and web searches
 * without a price are not input at another rate: the record is unpriced, with the reason.
 */
export function priceBreakdown(
  price: ResolvedPrice,
  usage: PricedUsage,
  factorFor: FactorLookup = () => null,
): Breakdown {
  const { tier, reason } = tierOf(price, usage);
  const p = tier === 'long' && price.tier ? price.tier : price.prices;
  const t = usage.tokens;
  const cacheWrite1h = Math.min(t.cacheWrite1h ?? 0, t.cacheWrite);
  const audioIn = Math.min(t.audioInput ?? 0, t.input);
  const audioOut = Math.min(t.audioOutput ?? 0, t.output);
  const asInput = (own: Usd | null | undefined, what: string) =>
    own === null || own === undefined
      ? { price: p.inputMtok, note: `input price: no ${what} price` }
      : { price: own };
  const cr = asInput(p.cacheReadMtok, 'cache-read');
  const cw = asInput(p.cacheWriteMtok, 'cache-write');
  const lines = [
    line('input', t.input - audioIn, 'Mtok', p.inputMtok),
    line('cache read', t.cacheRead, 'Mtok', cr.price, cr.note),
    line('cache write 5m', t.cacheWrite - cacheWrite1h, 'Mtok', cw.price, cw.note),
    line('cache write 1h', cacheWrite1h, 'Mtok', p.cacheWrite1hMtok ?? null),
    line('output', t.output - audioOut, 'Mtok', p.outputMtok),
    line('audio input', audioIn, 'Mtok', p.inputAudioMtok ?? null),
    line('audio output', audioOut, 'Mtok', p.outputAudioMtok ?? null),
    line('web search', usage.serverTools?.webSearch ?? 0, 'k', p.webSearchPerK ?? null),
    ...serverToolLines(usage.serverTools),
  ];
  const unpriced = lines
    .filter((l) => l.amount === null && l.excluded === undefined)
    .map((l) => `${l.dimension}: ${price.ref} has no ${l.dimension} price`);
  if (tier === 'long' && !price.tier)
    unpriced.unshift(
      `long context: ${price.ref} has no long-context price (give the model's long-context prices in price_overrides)`,
    );

  const factors: PriceFactor[] = [];
  const b = usage.billing ?? {};
  const asked: [MultiplierDimension, string | undefined][] = [
    ['batch', b.batch === undefined ? undefined : String(b.batch)],
    ['serviceTier', b.serviceTier],
    ['geo', b.geo],
    ['speed', b.speed],
  ];
  for (const [dimension, value] of asked) {
    if (value === undefined || STANDARD[dimension].includes(value)) continue;
    const f = factorFor(dimension, value);
    if (f) factors.push(f);
    else
      unpriced.push(
        `${dimension} ${value}: no price for it (add a price_multipliers entry to mileage.yaml with the factor your contract gives)`,
      );
  }

  const subtotal =
    lines.some((l) => l.amount === null && l.excluded === undefined) || (tier === 'long' && !price.tier)
      ? null
      : sum(lines);
  const amount = unpriced.length > 0 ? null : factors.reduce((a, f) => a.times(f.factor), subtotal ?? usd(0));
  return { amount, tier, tierReason: reason, lines, subtotal, factors, unpriced };
}

function sum(lines: readonly PriceLine[]): Usd {
  return lines.reduce((a, l) => a.plus(l.amount ?? 0), usd(0));
}

/**
 * Exact decimal cost of `tokens` at `price` (no server tools, standard service): the breakdown's total, or
 * null when a token kind the record holds has no price (audio on a model without audio prices).
 */
export function costOf(price: ResolvedPrice, tokens: TokenCounts, requests = 1): Usd | null {
  return priceBreakdown(price, { tokens, requests }).amount;
}
