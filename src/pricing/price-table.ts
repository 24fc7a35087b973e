import type { ModelPrice, TieredPrices } from '@pydantic/genai-prices';
import { usd, type Usd } from '../domain/money.js';
import type { TokenPrices } from '../domain/prices.js';

/** The part of a ResolvedPrice that comes from one genai-prices price table. */
export interface ListPrices {
  prices: TokenPrices;
  tierThreshold: number | null;
  tier: TokenPrices | null;
}

type PriceValue = ModelPrice[string];

/** A tiered price `{base, tiers: [{start, price}]}`; in the bundled data a plain object, not the class. */
function isTiered(value: PriceValue): value is TieredPrices {
  return typeof value === 'object' && Array.isArray(value.tiers);
}

/**
 * The price tables are written as decimal literals (3.75, 0.0028) and parsed by JavaScript into the nearest
 * double; `String(n)` gives back the shortest literal for that double, i.e. the one in the table, so the
 * decimal we build is exactly the published price. Never multiply the doubles themselves.
 */
function dec(n: number): Usd {
  return usd(String(n));
}

/** Tier starts are a count of total input tokens (cache reads and writes included): genai-prices compares
 * `input_tokens > start`, so 200000 means "more than 200,000 input tokens in the request". */
function firstTierStart(value: PriceValue): number | null {
  if (!isTiered(value) || value.tiers.length === 0) return null;
  return Math.min(...value.tiers.map((t) => t.start));
}

function basePrice(value: PriceValue): Usd | null {
  if (value === undefined) return null;
  return dec(isTiered(value) ? value.base : value);
}

function tierPrice(value: PriceValue, threshold: number): Usd | null {
  if (value === undefined) return null;
  if (!isTiered(value)) return dec(value);
  const tier = value.tiers.find((t) => t.start === threshold);
  return dec(tier ? tier.price : value.base);
}

/**
 * Text-token prices of one genai-prices table, or null when the table has no input price. An empty table is
 * how genai-prices writes "no per-token list price" (`:free` router variants, Copilot models covered by the
 * seat, open-weight models): we cannot tell free from unknown, so it stays unpriced (never $0) until the org
 * file gives a price. A missing output price is 0: such tables are embedding models, which produce no output.
 *
 * Read: text tokens, `cache_write_mtok` (the 5-minute write, the default lifetime), `cache_write_1h_mtok`,
 * audio input/output and `web_searches_kcount` (per 1,000 searches). Other keys (images, video, other
 * searches) have no counterpart in a usage record and are ignored.
 *
 * Only the first tier is kept: every tiered table in the data has a single tier shared by all keys (200k or
 * 272k input tokens for long context, 128k for Gemini 1.5). If keys ever disagree, the lowest start is used
 * and a key without a tier at that start keeps its base price.
 */
export function toListPrices(table: ModelPrice): ListPrices | null {
  const input = table['input_mtok'];
  const output = table['output_mtok'];
  const cacheRead = table['cache_read_mtok'];
  const cacheWrite = table['cache_write_mtok'];
  const inputMtok = basePrice(input);
  if (inputMtok === null) return null;

  const cacheWrite1h = table['cache_write_1h_mtok'];
  const inputAudio = table['input_audio_mtok'];
  const outputAudio = table['output_audio_mtok'];
  const webSearches = table['web_searches_kcount'];
  const prices: TokenPrices = {
    inputMtok,
    cacheReadMtok: basePrice(cacheRead),
    cacheWriteMtok: basePrice(cacheWrite),
    outputMtok: basePrice(output) ?? usd(0),
    cacheWrite1hMtok: basePrice(cacheWrite1h),
    inputAudioMtok: basePrice(inputAudio),
    outputAudioMtok: basePrice(outputAudio),
    webSearchPerK: basePrice(webSearches),
  };

  const starts = [input, output, cacheRead, cacheWrite, cacheWrite1h]
    .map(firstTierStart)
    .filter((s) => s !== null);
  if (starts.length === 0) return { prices, tierThreshold: null, tier: null };
  const threshold = Math.min(...starts);
  return {
    prices,
    tierThreshold: threshold,
    tier: {
      inputMtok: tierPrice(input, threshold) ?? inputMtok,
      cacheReadMtok: tierPrice(cacheRead, threshold),
      cacheWriteMtok: tierPrice(cacheWrite, threshold),
      outputMtok: tierPrice(output, threshold) ?? usd(0),
      cacheWrite1hMtok: tierPrice(cacheWrite1h, threshold),
      inputAudioMtok: tierPrice(inputAudio, threshold),
      outputAudioMtok: tierPrice(outputAudio, threshold),
      webSearchPerK: tierPrice(webSearches, threshold),
    },
  };
}
