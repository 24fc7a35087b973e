import { usd, type Usd } from '../domain/money.js';
import { arithmeticOf, exact, type ExplainLine, type RecordExplanation } from './explain.js';
import { priceSourceOf } from './price-source.js';

/**
 * `mileage prices explain --model M --day D`: the records of a model-day priced one by one (long-context
 * tiers are decided per request), then gathered into groups priced alike (same source, basis, price table,
 * tier, factors and unknowns). Every line of a group is the sum of its records' lines: prices are linear in
 * quantities, so `Σ quantity × unit price` equals the sum of the records' amounts exactly, and the group's
 * total is exactly the sum of its records' totals.
 */
export interface GroupExplanation {
  source: string;
  basis: string;
  records: number;
  requests: number;
  price: RecordExplanation['price'];
  tier: RecordExplanation['tier'];
  tierReason: string | null;
  lines: ExplainLine[];
  subtotal: string | null;
  factors: RecordExplanation['factors'];
  listEstimate: string | null;
  unpriced: string[];
  unknown: string[];
  /** What the store holds for these records: the cost (any basis) and the list estimate. */
  stored: { cost: string | null; estimate: string | null; unpricedRecords: number };
  costSource: string | null;
  costArithmetic: string[];
  /** Records whose stored estimate differs from the one computed now (run `mileage prices apply`). */
  stale: number;
  arithmetic: string[];
}

export interface DayExplanation {
  model: string;
  day: string;
  records: number;
  groups: GroupExplanation[];
  /** Σ of the priced list estimates, and how many records are unpriced. */
  listEstimate: string;
  unpricedRecords: number;
  /** Σ of the stored costs by basis, as the store holds them. */
  storedByBasis: { basis: string; records: number; cost: string; unpriced: number }[];
  /** The most expensive records, to explain one by one. */
  top: { id: string; source: string; cost: string | null }[];
  /** Sources that may overlap (the ledger counts each stream-day once, by its best basis). */
  overlap: string | null;
}

function costSourceKey(e: RecordExplanation): string {
  const ref = e.stored.priceRef;
  if (e.stored.basis === 'list_estimate' || ref === null) return '';
  const s = priceSourceOf(ref);
  if (s.kind === 'copilot_premium_requests') return `premium@${s.usdPerRequest}:${s.rateFrom}`;
  if (s.kind === 'copilot_credits') return `credits@${s.usdPerCredit}`;
  return ref;
}

function groupKey(e: RecordExplanation): string {
  return JSON.stringify([
    e.source,
    e.stored.basis,
    e.price?.ref ?? null,
    e.tier,
    e.factors,
    e.unpriced,
    e.unknown,
    costSourceKey(e),
    e.lines.filter((l) => l.unit === 'value').map((l) => [l.dimension, l.quantity, l.status]),
  ]);
}

const add = (a: Usd | null, b: string | null): Usd | null => (a === null || b === null ? null : a.plus(b));

function sumLines(members: readonly RecordExplanation[]): ExplainLine[] {
  const first = members[0]!;
  return first.lines.map((l, i) => {
    if (l.unit === 'value') return l;
    let quantity = 0;
    let amount: Usd | null = usd(0);
    for (const m of members) {
      const own = m.lines[i]!;
      quantity += typeof own.quantity === 'number' ? own.quantity : 0;
      amount = add(amount, own.amount);
    }
    return { ...l, quantity, amount: amount === null ? null : exact(amount) };
  });
}

function groupOf(members: readonly RecordExplanation[]): GroupExplanation {
  const first = members[0]!;
  const lines = sumLines(members);
  let subtotal: Usd | null = usd(0);
  let listEstimate: Usd | null = usd(0);
  let storedCost: Usd | null = usd(0);
  let storedEstimate: Usd | null = usd(0);
  let unpricedRecords = 0;
  for (const m of members) {
    subtotal = add(subtotal, m.subtotal);
    listEstimate = add(listEstimate, m.listEstimate);
    if (m.stored.cost === null) unpricedRecords++;
    else storedCost = add(storedCost, m.stored.cost);
    storedEstimate = add(
      storedEstimate,
      m.stored.basis === 'list_estimate' ? m.stored.cost : m.stored.estimate,
    );
  }
  const group = {
    source: first.source,
    basis: first.stored.basis,
    records: members.length,
    requests: members.reduce((n, m) => n + m.requests, 0),
    price: first.price,
    tier: first.tier,
    tierReason: members.length === 1 ? first.tierReason : `per request; ${first.tierReason ?? ''}`,
    lines,
    subtotal: subtotal === null ? null : exact(subtotal),
    factors: first.factors,
    listEstimate: listEstimate === null ? null : exact(listEstimate),
    unpriced: first.unpriced,
    unknown: first.unknown,
    stored: {
      cost: unpricedRecords === members.length || storedCost === null ? null : exact(storedCost),
      estimate: storedEstimate === null ? null : exact(storedEstimate),
      unpricedRecords,
    },
    costSource: vendorSource(members),
    costArithmetic:
      first.stored.basis === 'list_estimate'
        ? []
        : [
            `Σ of ${members.length} record(s) as stored: ${unpricedRecords === members.length || storedCost === null ? 'unpriced' : `$${exact(storedCost)}`}`,
          ],
    stale: members.filter((m) => m.stale).length,
    arithmetic: [] as string[],
  };
  group.arithmetic = arithmeticOf(group);
  return group;
}

/** A vendor-reported cost in words; Copilot's units summed over the group. */
function vendorSource(members: readonly RecordExplanation[]): string | null {
  const first = members[0]!;
  if (first.costSource === null || first.stored.priceRef === null) return null;
  const s = priceSourceOf(first.stored.priceRef);
  if (s.kind === 'copilot_premium_requests') {
    const n = members.reduce((a, m) => {
      const own = priceSourceOf(m.stored.priceRef ?? '');
      return own.kind === 'copilot_premium_requests' ? a.plus(own.requests) : a;
    }, usd(0));
    return `GitHub Copilot premium requests: ${exact(n)} at $${s.usdPerRequest} (${s.rateFrom === 'mileage.yaml' ? "the org's rate in mileage.yaml" : "GitHub's list price"}); basis ${first.stored.basis}`;
  }
  if (s.kind === 'copilot_credits') {
    const n = members.reduce((a, m) => {
      const own = priceSourceOf(m.stored.priceRef ?? '');
      return own.kind === 'copilot_credits' ? a.plus(own.credits) : a;
    }, usd(0));
    return `GitHub Copilot AI credits: ${exact(n)} credits at $${s.usdPerCredit} (GitHub's published rate); basis ${first.stored.basis}`;
  }
  return first.costSource;
}

export function explainDay(
  model: string,
  day: string,
  records: readonly RecordExplanation[],
): DayExplanation {
  const byKey = new Map<string, RecordExplanation[]>();
  for (const r of records) {
    const key = groupKey(r);
    const list = byKey.get(key) ?? [];
    list.push(r);
    byKey.set(key, list);
  }
  const groups = [...byKey.values()].map(groupOf);

  let listEstimate = usd(0);
  let unpricedRecords = 0;
  const byBasis = new Map<string, { records: number; cost: Usd; unpriced: number }>();
  for (const r of records) {
    if (r.listEstimate === null) unpricedRecords++;
    else listEstimate = listEstimate.plus(r.listEstimate);
    const b = byBasis.get(r.stored.basis) ?? { records: 0, cost: usd(0), unpriced: 0 };
    b.records++;
    if (r.stored.cost === null) b.unpriced++;
    else b.cost = b.cost.plus(r.stored.cost);
    byBasis.set(r.stored.basis, b);
  }
  const costOf = (r: RecordExplanation) => r.stored.cost ?? r.listEstimate;
  const top = [...records]
    .sort((a, b) => usd(costOf(b) ?? 0).comparedTo(usd(costOf(a) ?? 0)) || a.id.localeCompare(b.id))
    .slice(0, 5)
    .map((r) => ({ id: r.id, source: r.source, cost: costOf(r) }));
  const sources = [...new Set(records.map((r) => r.source))];
  return {
    model,
    day,
    records: records.length,
    groups,
    listEstimate: exact(listEstimate),
    unpricedRecords,
    storedByBasis: [...byBasis].map(([basis, b]) => ({
      basis,
      records: b.records,
      cost: exact(b.cost),
      unpriced: b.unpriced,
    })),
    top,
    overlap:
      sources.length > 1
        ? `${sources.length} sources report this model-day (${sources.join(', ')}): they may describe the same requests; the ledger counts each billing stream and day once, from its best basis (billed > provider_reported > list_estimate), and uses the others only to attribute it`
        : null,
  };
}
