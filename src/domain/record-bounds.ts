import type { UsageRecord } from './usage.js';

/**
 * Minimal bounds for a usage record, written first by i19-security for the OTLP receiver's per-record
 * rejection (issue 19 #3). i19-input's central validator (issue 19 #6–7) replaces this file: same names,
 * `checkUsageRecord(record) → FieldProblem[]`, so callers do not change.
 *
 * Each bound is far above any real value and below what the store's types hold (a cost of 1e30 overflowed
 * DECIMAL(18,10) and failed a whole write batch).
 */
export const RECORD_BOUNDS = {
  tokensPerRequest: 100_000_000,
  tokensPerMinute: 1_000_000_000,
  amountUsd: 10_000_000,
  earliest: new Date('2015-01-01T00:00:00Z'),
  aheadMs: 24 * 3_600_000,
} as const;

/** A bad field of one record: the field as the record names it (`tokens.input`, `cost.amount`, `start`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** The problems of one usage record; empty when every field is within its bounds. */
export function checkUsageRecord(r: UsageRecord, now: Date = new Date()): FieldProblem[] {
  const out: FieldProblem[] = [];
  const latest = new Date(now.getTime() + RECORD_BOUNDS.aheadMs);
  for (const [field, at] of [
    ['start', r.start],
    ['end', r.end],
  ] as const) {
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) out.push({ field, message: 'not a time' });
    else if (at < RECORD_BOUNDS.earliest || at > latest)
      out.push({ field, message: `${at.toISOString()} is outside the accepted range` });
  }
  const minutes = Math.max(1, Math.ceil((r.end.getTime() - r.start.getTime()) / 60_000) || 1);
  const limit =
    r.granularity === 'request'
      ? RECORD_BOUNDS.tokensPerRequest
      : Math.max(RECORD_BOUNDS.tokensPerRequest, RECORD_BOUNDS.tokensPerMinute * minutes);
  for (const [kind, value] of Object.entries(r.tokens) as [string, unknown][]) {
    if (typeof value !== 'number') continue;
    if (!Number.isInteger(value) || value < 0 || value > limit)
      out.push({ field: `tokens.${kind}`, message: `${value} is not a whole number in 0…${limit}` });
  }
  if (!Number.isInteger(r.requests) || r.requests < 0)
    out.push({ field: 'requests', message: `${r.requests} is not a whole number >= 0` });
  const amount = r.cost.amount;
  if (amount !== null && (!amount.isFinite() || amount.abs().greaterThan(RECORD_BOUNDS.amountUsd)))
    out.push({
      field: 'cost.amount',
      message: `${amount.toString()} is beyond the bound of ${RECORD_BOUNDS.amountUsd} USD`,
    });
  return out;
}
