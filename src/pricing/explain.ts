import { usd, type Usd } from '../domain/money.js';
import type { BillingDimensions, ServerToolUse, TokenCounts } from '../domain/usage.js';
import type { Breakdown, PriceLine } from './cost.js';
import { utcDay } from './overrides.js';
import type { PriceBook } from './price-book.js';
import { describePriceSource, priceSourceOf } from './price-source.js';

/**
 * `mileage prices explain`: for one usage record, every billed dimension with its quantity, unit price,
 * where that price came from and the amount, the factors of how it was served, and the exact decimal total,
 * so that a leader can answer "why is this number what it is". Pure: the caller reads the record.
 */

/** A usage record as stored, with what the store does not know about it. */
export interface ExplainInput {
  id: string;
  source: string;
  granularity: string;
  start: Date;
  day: string;
  provider: string | null;
  model: string | null;
  requests: number;
  tokens: TokenCounts;
  serverTools: ServerToolUse;
  billing: BillingDimensions;
  /** Dimensions the stored row does not know (kept before the store had them): priced as none. */
  unknown: string[];
  /** billed, provider_reported or list_estimate (CostBasis), as stored. */
  basis: string;
  cost: Usd | null;
  estimate: Usd | null;
  priceRef: string | null;
}

/** One dimension of the record: what was used, at what price, from where, for how much. */
export interface ExplainLine {
  dimension: string;
  /** Tokens or requests; for how-served dimensions, the value (`priority`, `true`). */
  quantity: number | string;
  unit: 'tokens' | 'requests' | 'value';
  /** USD per `per`, exact; null = no price. */
  unitPrice: string | null;
  per: 'Mtok' | '1,000' | 'factor' | null;
  /** Exact decimal USD; null when not priced (see `status`). */
  amount: string | null;
  status: 'priced' | 'unpriced' | 'not billed apart' | 'not priced per record' | 'unknown' | 'standard';
  /** Where the unit price came from, or why the dimension has none. */
  source: string;
}

export interface RecordExplanation {
  id: string;
  source: string;
  granularity: string;
  start: string;
  day: string;
  provider: string | null;
  model: string | null;
  requests: number;
  /** The price table in force for the record's model that UTC day, or null when the model has none. */
  price: { ref: string; source: string } | null;
  tier: 'base' | 'long' | null;
  tierReason: string | null;
  lines: ExplainLine[];
  /** Sum of the lines before factors; null when a dimension has no price. */
  subtotal: string | null;
  factors: { dimension: string; value: string; factor: string; source: string }[];
  /** The list estimate: subtotal × factors; null = unpriced, with `unpriced` saying why. */
  listEstimate: string | null;
  unpriced: string[];
  /** Dimensions the stored row does not know: history to re-ingest to price them. */
  unknown: string[];
  /** The record's cost and its basis as stored (billed / provider_reported / list_estimate). */
  stored: { basis: string; cost: string | null; estimate: string | null; priceRef: string | null };
  /** Where a cost not estimated from list prices came from (the vendor's report, Copilot units). */
  costSource: string | null;
  /** That cost's arithmetic (Copilot units × their rate), or the vendor's figure as reported. */
  costArithmetic: string[];
  /** The list estimate computed now differs from the stored one (prices or overrides changed since). */
  stale: boolean;
  /** The arithmetic, line by line, ending with the total. */
  arithmetic: string[];
}

/** The store rounds to 10 places half away from zero (DECIMAL(18,10)); decimal.js's ROUND_HALF_UP is that. */
const ROUND_HALF_UP = 4;

const TOKEN_UNIT = { Mtok: 'Mtok', k: '1,000' } as const;

/** A decimal as written in full (no exponent), trailing zeros dropped. */
export function exact(value: Usd): string {
  return value.toFixed();
}

function lineOf(l: PriceLine, priceRef: string, unknown: boolean): ExplainLine {
  const status: ExplainLine['status'] = unknown
    ? 'unknown'
    : l.excluded !== undefined
      ? 'not priced per record'
      : l.amount === null
        ? 'unpriced'
        : 'priced';
  const source =
    l.excluded ??
    (l.amount === null && l.quantity > 0
      ? `${priceRef} has no ${l.dimension} price`
      : l.source
        ? describeFactorSource(l.source)
        : `${describePriceSource(priceSourceOf(priceRef))}${l.note ? ` (${l.note})` : ''}`);
  return {
    dimension: l.dimension,
    quantity: l.quantity,
    unit: l.per === 'k' ? 'requests' : 'tokens',
    unitPrice: l.unitPrice === null ? null : exact(l.unitPrice),
    per: l.unitPrice === null ? null : TOKEN_UNIT[l.per],
    amount: l.amount === null ? null : exact(l.amount),
    status,
    source: unknown
      ? `not known for this record (stored before Mileage kept it): priced as none; re-ingest to price it`
      : source,
  };
}

/** `published:anthropic batch 50%` and `org:price_multipliers[0]` in words. */
export function describeFactorSource(source: string): string {
  if (source.startsWith('org:')) return `mileage.yaml ${source.slice(4)}`;
  if (source.startsWith('published:')) return `published by the provider: ${source.slice(10)}`;
  return source;
}

/** Which price lines a dimension the store does not know feeds (see StoredUsage's null columns). */
const UNKNOWN_LINES: Record<string, readonly string[]> = {
  'cache write 1h': ['cache write 1h'],
  audio: ['audio input', 'audio output'],
  'server tools': ['web search', 'web fetch', 'code execution'],
  'service tier': ['service tier'],
  batch: ['batch'],
};

const HOW_SERVED: readonly { key: keyof BillingDimensions; label: string; standard: string | null }[] = [
  { key: 'serviceTier', label: 'service tier', standard: 'standard' },
  { key: 'batch', label: 'batch', standard: 'false' },
  { key: 'geo', label: 'inference geo', standard: 'global' },
  { key: 'speed', label: 'speed', standard: 'standard' },
];

function howServedLines(
  b: BillingDimensions,
  breakdown: Breakdown | null,
  unknown: Set<string>,
): ExplainLine[] {
  return HOW_SERVED.map(({ key, label, standard }) => {
    const raw = b[key];
    const value = raw === undefined ? null : String(raw);
    const factor = breakdown?.factors.find((f) => (f.dimension as string) === key);
    if (unknown.has(label))
      return {
        dimension: label,
        quantity: 'not known',
        unit: 'value',
        unitPrice: null,
        per: null,
        amount: null,
        status: 'unknown',
        source:
          'not known for this record (stored before Mileage kept it): priced as standard; re-ingest to know it',
      };
    if (value === null || value === standard)
      return {
        dimension: label,
        quantity: value ?? 'not reported',
        unit: 'value',
        unitPrice: null,
        per: null,
        amount: null,
        status: 'standard',
        source: value === null ? 'not reported by the source: priced as standard' : 'the list price itself',
      };
    return {
      dimension: label,
      quantity: value,
      unit: 'value',
      unitPrice: factor ? exact(factor.factor) : null,
      per: factor ? 'factor' : null,
      amount: null,
      status: factor ? 'priced' : 'unpriced',
      source: factor
        ? describeFactorSource(factor.source)
        : `no factor for ${label} ${value}: add a price_multipliers entry to mileage.yaml with your contract's factor`,
    };
  });
}

/** The price in force for a record: the one the store's pricing pass uses (the UTC day's, at noon). */
export function priceDay(start: Date): Date {
  return new Date(`${utcDay(start)}T12:00:00Z`);
}

export function explainRecord(book: PriceBook, r: ExplainInput): RecordExplanation {
  const at = priceDay(r.start);
  const explained = book.explain(r.provider, r.model, at, {
    tokens: r.tokens,
    requests: r.requests,
    serverTools: r.serverTools,
    billing: r.billing,
  });
  const unknownLines = new Set(r.unknown.flatMap((u) => UNKNOWN_LINES[u] ?? [u]));
  const b = explained?.breakdown ?? null;
  const lines: ExplainLine[] = [];
  if (explained && b) {
    for (const l of b.lines) lines.push(lineOf(l, explained.price.ref, unknownLines.has(l.dimension)));
    // Reasoning is part of output: shown so that the split is visible, never priced again.
    const at = lines.findIndex((l) => l.dimension === 'output');
    lines.splice(at + 1, 0, {
      dimension: 'reasoning',
      quantity: r.tokens.reasoning,
      unit: 'tokens',
      unitPrice: null,
      per: null,
      amount: null,
      status: 'not billed apart',
      source: 'part of output, priced there at the output price (never added again)',
    });
  }
  lines.push(...howServedLines(r.billing, b, unknownLines));
  lines.push({
    dimension: 'context tier',
    quantity: r.billing.contextTier ?? 'not reported',
    unit: 'value',
    unitPrice: null,
    per: null,
    amount: null,
    status: b?.tier === 'long' ? 'priced' : 'standard',
    source: b ? `${b.tier} tier: ${b.tierReason}` : 'no price table',
  });

  const unpriced = explained
    ? [...(b?.unpriced ?? [])]
    : [
        r.model === null
          ? 'the record names no model'
          : `no price for ${r.provider ?? '?'}/${r.model} on ${utcDay(at)}: neither the price library nor mileage.yaml price_overrides has one (see \`mileage prices check\`)`,
      ];
  const listEstimate = b?.amount ?? null;
  const storedEstimate = r.basis === 'list_estimate' ? r.cost : r.estimate;
  const stale =
    (listEstimate === null) !== (storedEstimate === null) ||
    (listEstimate !== null &&
      storedEstimate !== null &&
      !listEstimate.toDecimalPlaces(10, ROUND_HALF_UP).equals(storedEstimate));

  const explanation: RecordExplanation = {
    id: r.id,
    source: r.source,
    granularity: r.granularity,
    start: r.start.toISOString(),
    day: r.day,
    provider: r.provider,
    model: r.model,
    requests: r.requests,
    price: explained
      ? { ref: explained.price.ref, source: describePriceSource(priceSourceOf(explained.price.ref)) }
      : null,
    tier: b?.tier ?? null,
    tierReason: b?.tierReason ?? null,
    lines,
    subtotal: b?.subtotal ? exact(b.subtotal) : null,
    factors: (b?.factors ?? []).map((f) => ({
      dimension: f.dimension,
      value: f.value,
      factor: exact(f.factor),
      source: describeFactorSource(f.source),
    })),
    listEstimate: listEstimate === null ? null : exact(listEstimate),
    unpriced,
    unknown: r.unknown,
    stored: {
      basis: r.basis,
      cost: r.cost === null ? null : exact(r.cost),
      estimate: r.estimate === null ? null : exact(r.estimate),
      priceRef: r.priceRef,
    },
    costSource:
      r.basis === 'list_estimate' || r.priceRef === null
        ? null
        : `${describePriceSource(priceSourceOf(r.priceRef))}; basis ${r.basis}`,
    stale,
    costArithmetic: r.basis === 'list_estimate' ? [] : vendorArithmetic(r.priceRef, r.cost),
    arithmetic: [],
  };
  explanation.arithmetic = arithmeticOf(explanation);
  return explanation;
}

/** A vendor's cost: Copilot's units times their rate, else the figure as the source reported it. */
export function vendorArithmetic(ref: string | null, cost: Usd | null): string[] {
  const s = ref === null ? null : priceSourceOf(ref);
  const total = cost === null ? 'unpriced' : `$${exact(cost)}`;
  if (s?.kind === 'copilot_premium_requests')
    return [`${s.requests} premium requests × $${s.usdPerRequest} = ${total}`];
  if (s?.kind === 'copilot_credits') return [`${s.credits} AI credits × $${s.usdPerCredit} = ${total}`];
  return [`as reported by the source: ${total}`];
}

const num = (n: number | string) => (typeof n === 'number' ? n.toLocaleString('en-US') : n);

/** The arithmetic as a person checks it with a calculator: quantity × unit price ÷ unit = amount. */
export function arithmeticOf(e: {
  lines: ExplainLine[];
  subtotal: string | null;
  factors: RecordExplanation['factors'];
  listEstimate: string | null;
  unpriced: string[];
}): string[] {
  const out: string[] = [];
  for (const l of e.lines) {
    if (l.unit === 'value' || l.quantity === 0) continue;
    if (l.status === 'not billed apart' || l.status === 'not priced per record') continue;
    if (l.unitPrice === null || l.amount === null) {
      out.push(`${l.dimension}: ${num(l.quantity)} ${l.unit}, no price`);
      continue;
    }
    const per = l.per === 'Mtok' ? '1,000,000' : '1,000';
    out.push(`${l.dimension}: ${num(l.quantity)} × $${l.unitPrice} ÷ ${per} = $${l.amount}`);
  }
  if (e.subtotal !== null) out.push(`subtotal = $${e.subtotal}`);
  let running = e.subtotal === null ? null : usd(e.subtotal);
  for (const f of e.factors) {
    if (running === null) break;
    running = running.times(f.factor);
    out.push(`× ${f.factor} (${f.dimension} ${f.value}) = $${exact(running)}`);
  }
  out.push(
    e.listEstimate === null ? `total: unpriced (${e.unpriced.join('; ')})` : `total = $${e.listEstimate}`,
  );
  return out;
}
