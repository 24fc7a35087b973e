import { usd, type Usd } from '../domain/money.js';
import type { PriceOverride, ResolvedPrice, TokenPrices } from '../domain/prices.js';
import { sameProvider } from './provider-ids.js';

/**
 * Org price overrides (`price_overrides` in mileage.yaml) on top of list prices. Override dates are calendar
 * days compared with the UTC day of the event, the same day on which list price changes take effect;
 * `from` is inclusive, `until` exclusive, null leaves that side open.
 */
export function inEffect(override: PriceOverride, day: string): boolean {
  return (
    (override.from === null || override.from <= day) && (override.until === null || day < override.until)
  );
}

function sameModel(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * Whether an override is about this record. A discount names a provider: it matches our provider name or the
 * price list the record was priced from (`aws-bedrock` and `bedrock` both match genai-prices' `aws`). A model
 * price matches the model as recorded or the catalog model it resolved to, so an override for
 * `claude-opus-4-1` covers `claude-opus-4-1-20250805` too.
 */
function matches(
  override: PriceOverride,
  provider: string | null,
  model: string,
  list: ResolvedPrice | null,
): boolean {
  const providerMatches = (name: string): boolean =>
    (provider !== null && sameProvider(name, provider)) ||
    (list !== null && sameProvider(name, list.provider));
  if (override.kind === 'discount') return list !== null && providerMatches(override.provider);
  const modelMatches =
    sameModel(override.model, model) || (list !== null && sameModel(override.model, list.model));
  return modelMatches && (override.provider === null || providerMatches(override.provider));
}

/**
 * Index of the override that prices this record, or -1. The latest-starting override in effect wins (an open
 * `from` starts earliest), so a new negotiated rate supersedes an older one without editing its `until`. On
 * the same start a model price beats a provider discount (it is the more specific), then the later entry in
 * the file wins. A discount without a list price to discount does not match: a model price can still apply.
 */
export function selectOverride(
  overrides: readonly PriceOverride[],
  provider: string | null,
  model: string,
  day: string,
  list: ResolvedPrice | null,
): number {
  let best = -1;
  for (let i = 0; i < overrides.length; i++) {
    const o = overrides[i];
    if (!o || !inEffect(o, day) || !matches(o, provider, model, list)) continue;
    const current = best >= 0 ? overrides[best] : undefined;
    if (!current || ranksAbove(o, current)) best = i;
  }
  return best;
}

function ranksAbove(a: PriceOverride, b: PriceOverride): boolean {
  const fromA = a.from ?? '';
  const fromB = b.from ?? '';
  if (fromA !== fromB) return fromA > fromB;
  if (a.kind !== b.kind) return a.kind === 'model_price';
  return true; // same start and kind: the later entry wins
}

function scale(p: TokenPrices, factor: Usd): TokenPrices {
  return {
    inputMtok: p.inputMtok.times(factor),
    cacheReadMtok: p.cacheReadMtok?.times(factor) ?? null,
    cacheWriteMtok: p.cacheWriteMtok?.times(factor) ?? null,
    outputMtok: p.outputMtok.times(factor),
    cacheWrite1hMtok: p.cacheWrite1hMtok?.times(factor) ?? null,
    inputAudioMtok: p.inputAudioMtok?.times(factor) ?? null,
    outputAudioMtok: p.outputAudioMtok?.times(factor) ?? null,
    webSearchPerK: p.webSearchPerK?.times(factor) ?? null,
  };
}

/** `0.15` → `15`, `0.125` → `12.5`: the percentage as people write it in refs and snippets. */
export function percentLabel(fraction: Usd): string {
  return fraction.times(100).toString();
}

/**
 * The price after one override. A discount scales every list price, long-context tier included, and keeps
 * the list ref behind its own so the estimate stays traceable to the table it started from. A model price
 * replaces the list price entirely (it is what the org pays, at any context length).
 */
export function applyOverride(
  override: PriceOverride,
  provider: string | null,
  list: ResolvedPrice | null,
): ResolvedPrice | null {
  if (override.kind === 'discount') {
    if (list === null) return null;
    const factor = usd(1).minus(override.percent);
    return {
      ...list,
      ref: `override:discount:${override.provider}:${percentLabel(override.percent)}%+${list.ref}`,
      prices: scale(list.prices, factor),
      tier: list.tier && scale(list.tier, factor),
    };
  }
  return {
    provider: override.provider ?? provider ?? list?.provider ?? 'unknown',
    model: override.model,
    ref: `override:model:${override.model}`,
    prices: override.prices,
    tierThreshold: null,
    tier: null,
  };
}

/** The UTC calendar day of an instant, as override dates are written. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The list price with the org's overrides applied, or null when neither prices the record. */
export function applyOverrides(
  overrides: readonly PriceOverride[],
  provider: string | null,
  model: string,
  at: Date,
  list: ResolvedPrice | null,
): ResolvedPrice | null {
  const index = selectOverride(overrides, provider, model, utcDay(at), list);
  const override = index >= 0 ? overrides[index] : undefined;
  return override ? applyOverride(override, provider, list) : list;
}
