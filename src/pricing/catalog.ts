/**
 * List prices at event time, from the price tables bundled with @pydantic/genai-prices. Offline only: we never
 * call `updatePrices`, so a price is reproducible from the package version recorded in every `ref`.
 *
 * Model ids to use elsewhere (fixtures, demo, audits), as genai-prices 0.1.8 names them (USD per million
 * tokens: input / output / cache read / cache write):
 * - Anthropic Opus 4.1:  `claude-opus-4-1` (also matches `claude-opus-4-1-20250805`)  15 / 75 / 1.50 / 18.75
 * - Anthropic Haiku 4.5: `claude-haiku-4-5` (also matches `claude-haiku-4-5-20251001`)  1 / 5 / 0.10 / 1.25
 *   → Opus 4.1 is exactly 15× Haiku 4.5 for every token kind.
 * - `claude-sonnet-4-5`: 3 / 15 / 0.30 / 3.75, above 200k input tokens 6 / 22.5 / 0.60 / 7.50 (always tiered).
 * - `claude-sonnet-4-6`: 3 / 15 / 0.30 / 3.75; tiered like 4.5 before 2026-03-13, flat from then on.
 * - `gpt-5` (also `gpt-5-2025-08-07`, `gpt-5-codex`): 1.25 / 10 / 0.125 / none (writes bill as input).
 * - `gpt-4.1-mini`: 0.40 / 1.60 / 0.10 / none.
 * - `gemini-2.5-pro`: 1.25 / 10 / 0.125 / none, above 200k input tokens 2.50 / 15 / 0.25.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as GenaiPrices from '@pydantic/genai-prices';
import type { ModelInfo, ModelPrice } from '@pydantic/genai-prices';
import type { ResolvedPrice } from '../domain/prices.js';
import { alternativeIds, type LookupKey } from './model-ids.js';
import { toListPrices } from './price-table.js';
import { DIRECT_PROVIDERS, genaiProviderId } from './provider-ids.js';

/** The package version, read once: it goes into every price ref so a stored estimate can be traced. */
export const GENAI_PRICES_VERSION: string = readPackageVersion();

function readPackageVersion(): string {
  try {
    // The package's `exports` do not expose package.json; its entry point sits in dist/ next to it.
    const entry = createRequire(import.meta.url).resolve('@pydantic/genai-prices');
    const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The price tables, loaded on first use (their CommonJS build, through require): the bundle is the largest
 * single module the CLI loads, and a command that prices nothing (an ingest with nothing new) need not pay it.
 */
let loaded: typeof GenaiPrices | undefined;
function genaiPrices(): typeof GenaiPrices {
  return (loaded ??= createRequire(import.meta.url)('@pydantic/genai-prices') as typeof GenaiPrices);
}

export function catalogRef(providerId: string, modelId: string): string {
  return `genai-prices@${GENAI_PRICES_VERSION}:${providerId}/${modelId}`;
}

interface Match {
  providerId: string;
  model: ModelInfo;
  table: ModelPrice;
}

/** calcPrice is the public way to run genai-prices' provider and model matching and its choice of the price
 * in force at a time; the usage only has to be valid, the amounts it computes are discarded. */
const PROBE_USAGE = { input_tokens: 1, output_tokens: 1 };

function lookup(key: LookupKey, at: Date): Match | null {
  try {
    const result = genaiPrices().calcPrice(PROBE_USAGE, key.model, {
      providerId: key.provider === null ? undefined : genaiProviderId(key.provider),
      timestamp: at,
    });
    return result ? { providerId: result.provider.id, model: result.model, table: result.model_price } : null;
  } catch {
    // A table genai-prices cannot evaluate leaves the record unpriced rather than failing a whole import.
    return null;
  }
}

function find(provider: string | null, model: string, at: Date): { key: LookupKey; match: Match } | null {
  const asWritten = { provider, model };
  for (const key of [asWritten, ...alternativeIds(provider, model)]) {
    const match = lookup(key, at);
    if (match) return { key, match };
  }
  return null;
}

/** One ResolvedPrice object per (price table, provider): conversions to decimal are done once, and callers
 * can compare prices by identity. */
const converted = new WeakMap<ModelPrice, Map<string, ResolvedPrice | null>>();

function toResolved(match: Match): ResolvedPrice | null {
  let byProvider = converted.get(match.table);
  if (!byProvider) {
    byProvider = new Map();
    converted.set(match.table, byProvider);
  }
  let resolved = byProvider.get(match.providerId);
  if (resolved === undefined) {
    const list = toListPrices(match.table);
    resolved = list && {
      provider: match.providerId,
      model: match.model.id,
      ref: catalogRef(match.providerId, match.model.id),
      ...list,
    };
    byProvider.set(match.providerId, resolved);
  }
  return resolved;
}

/** Time-of-day prices (DeepSeek off-peak) change within a day, so those models cannot be memoised per day. */
function variesWithinDay(model: ModelInfo): boolean {
  return Array.isArray(model.prices) && model.prices.some((p) => p.constraint?.type === 'time_of_date');
}

const DAY_MS = 86_400_000;
/** Bounds memory when model strings are garbage; a real org has a few hundred (provider, model, day) keys. */
const MEMO_LIMIT = 100_000;
type MemoEntry = ResolvedPrice | null | { perCall: LookupKey };
const memo = new Map<string, MemoEntry>();

/**
 * The list price of `model` at `provider` in force at `at`, or null when genai-prices does not know it (or
 * knows it without a per-token price). `provider` is one of our names (`anthropic`, `aws-bedrock`, …) or
 * null to let genai-prices infer it from the model id; an unknown provider (`self-hosted`) gives null rather
 * than some other vendor's price. Called once per usage record, so results are memoised per
 * (provider, model, UTC day): start-date price changes take effect at 00:00 UTC.
 */
export function resolveListPrice(provider: string | null, model: string, at: Date): ResolvedPrice | null {
  const time = at.getTime();
  if (Number.isNaN(time)) throw new RangeError('resolveListPrice: invalid date');
  const normalisedProvider = provider === null || provider.trim() === '' ? null : provider;
  const memoKey = `${normalisedProvider ?? ''}\u0000${model}\u0000${Math.floor(time / DAY_MS)}`;

  const cached = memo.get(memoKey);
  if (cached !== undefined) {
    if (cached === null || !('perCall' in cached)) return cached;
    const match = lookup(cached.perCall, at);
    return match && toResolved(match);
  }

  const found = find(normalisedProvider, model, at);
  const resolved = found && toResolved(found.match);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(memoKey, found && variesWithinDay(found.match.model) ? { perCall: found.key } : resolved);
  return resolved;
}

const modelLists = new Map<string, readonly string[]>();

/**
 * Model ids that can be priced today, for suggestions: those of one provider, or of the direct vendors when
 * `provider` is null. Ids that do not resolve to their own entry are left out (genai-prices keeps internal ids
 * such as `regional.anthropic.…` that no request carries).
 */
export function listCatalogModels(provider: string | null = null): readonly string[] {
  const providerIds = provider === null ? DIRECT_PROVIDERS : [genaiProviderId(provider)];
  const cacheKey = providerIds.join(',');
  const cached = modelLists.get(cacheKey);
  if (cached) return cached;

  const now = new Date();
  const ids = new Set<string>();
  for (const providerId of providerIds) {
    const table = genaiPrices().findProvider({ providerId });
    if (!table) continue;
    for (const model of table.models) {
      const match = lookup({ provider: table.id, model: model.id }, now);
      if (match?.model === model && toResolved(match) !== null) ids.add(model.id);
    }
  }
  const list = [...ids].sort();
  modelLists.set(cacheKey, list);
  return list;
}
