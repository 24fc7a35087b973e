import { describe, expect, it } from 'vitest';
import { acceptedTimes } from './accepted-times.js';
import { usd } from './money.js';
import type { OutcomeRecord } from './outcome.js';
import { checkOutcomeRecord, checkSeatRecord, checkUsageRecord, screenRecords } from './record-bounds.js';
import type { UsageRecord } from './usage.js';

const now = new Date('2026-03-01T12:00:00Z');
const times = acceptedTimes({}, now);

function usage(over: Partial<UsageRecord> = {}): UsageRecord {
  return {
    id: 'u1',
    source: 'csv',
    stream: null,
    granularity: 'request',
    start: new Date('2026-02-10T10:00:00Z'),
    end: new Date('2026-02-10T10:00:00Z'),
    tool: null,
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    tokens: { input: 1000, cacheRead: 0, cacheWrite: 0, output: 200, reasoning: 0 },
    requests: 1,
    cost: { amount: null, basis: 'list_estimate', priceRef: null },
    hints: {},
    ...over,
  };
}

function outcome(over: Partial<OutcomeRecord> = {}): OutcomeRecord {
  return {
    id: 'o1',
    source: 'csv',
    kind: 'deal_closed',
    at: new Date('2026-02-10T10:00:00Z'),
    openedAt: null,
    actor: null,
    repo: null,
    ref: null,
    headBranch: null,
    linkedTickets: [],
    size: null,
    points: null,
    pointsBasis: null,
    aiAssisted: false,
    aiEvidence: null,
    rework: false,
    reworkReason: null,
    category: 'unknown',
    workType: null,
    workflow: null,
    count: 1,
    value: null,
    ...over,
  };
}

const fields = (problems: { field: string }[]) => problems.map((p) => p.field);

describe('checkUsageRecord', () => {
  it('accepts an ordinary request', () => {
    expect(checkUsageRecord(usage(), times)).toEqual([]);
  });

  it.each([
    ['9e18 tokens', 9e18, /above the bound/],
    ['2e12 tokens in one request', 2e12, /above the bound/],
    ['a fraction', 10.5, /not a whole number/],
    ['a negative count', -5, /negative/],
    ['NaN', Number.NaN, /NaN/],
    ['Infinity', Number.POSITIVE_INFINITY, /finite/],
  ])('rejects %s, naming the token field', (_, value, message) => {
    const problems = checkUsageRecord(usage({ tokens: { ...usage().tokens, output: value } }), times);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe('tokens.output');
    expect(problems[0]?.message).toMatch(message);
  });

  it('bounds token kinds it does not know by name (a dimension added later)', () => {
    const tokens = { ...usage().tokens, cacheWrite1h: 5e15, audio: { input: -1 } };
    expect(fields(checkUsageRecord(usage({ tokens }), times))).toEqual([
      'tokens.cacheWrite1h',
      'tokens.audio.input',
    ]);
  });

  it('scales the token bound to the bucket: a day may hold what one request may not', () => {
    const day = usage({
      granularity: 'day',
      start: new Date('2026-02-10T00:00:00Z'),
      end: new Date('2026-02-11T00:00:00Z'),
      tokens: { input: 500_000_000_000, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 },
      requests: 2_000_000,
    });
    expect(checkUsageRecord(day, times)).toEqual([]);
    expect(fields(checkUsageRecord({ ...day, granularity: 'request' }, times))).toEqual([
      'tokens.input',
      'requests',
    ]);
    expect(fields(checkUsageRecord({ ...day, tokens: { ...day.tokens, input: 2e12 } }, times))).toEqual([
      'tokens.input',
    ]);
  });

  it('bounds amounts: no overflow-sized cost, no negative estimate, billed credits allowed', () => {
    const cost = (amount: string, basis: 'billed' | 'provider_reported') =>
      usage({ cost: { amount: usd(amount), basis, priceRef: 'x' } });
    expect(fields(checkUsageRecord(cost('99999999999', 'billed'), times))).toEqual(['cost.amount']);
    expect(fields(checkUsageRecord(cost('99999999.5', 'provider_reported'), times))).toEqual(['cost.amount']);
    expect(fields(checkUsageRecord(cost('-3', 'provider_reported'), times))).toEqual(['cost.amount']);
    expect(checkUsageRecord(cost('-3', 'billed'), times)).toEqual([]);
    expect(checkUsageRecord(cost('9999999.99', 'billed'), times)).toEqual([]);
  });

  it('rejects times outside the accepted range, and an end before its start', () => {
    const at = (iso: string) => usage({ start: new Date(iso), end: new Date(iso) });
    expect(fields(checkUsageRecord(at('9999-12-31T00:00:00Z'), times))).toEqual(['start', 'end']);
    expect(fields(checkUsageRecord(at('2014-12-31T23:59:59Z'), times))).toEqual(['start', 'end']);
    expect(checkUsageRecord(at('2026-03-02T11:00:00Z'), times)).toEqual([]);
    expect(fields(checkUsageRecord(at('2026-03-02T13:00:00Z'), times))).toEqual(['start', 'end']);
    const backwards = usage({
      start: new Date('2026-02-10T10:00:00Z'),
      end: new Date('2026-02-10T09:00:00Z'),
    });
    expect(fields(checkUsageRecord(backwards, times))).toEqual(['end']);
    expect(fields(checkUsageRecord(usage({ start: new Date(Number.NaN) }), times))).toContain('start');
  });

  it('honours a configured range', () => {
    const wide = acceptedTimes({ since: '2010-01-01', ahead: '400d' }, now);
    const at = (iso: string) => usage({ start: new Date(iso), end: new Date(iso) });
    expect(checkUsageRecord(at('2012-05-01T00:00:00Z'), wide)).toEqual([]);
    expect(checkUsageRecord(at('2027-01-01T00:00:00Z'), wide)).toEqual([]);
    expect(() => acceptedTimes({ ahead: 'soon' }, now)).toThrow(/MILEAGE_ACCEPT_AHEAD/);
    expect(() => acceptedTimes({ since: 'yesterday' }, now)).toThrow(/MILEAGE_ACCEPT_SINCE/);
  });

  it('rejects a 5 MB model name', () => {
    expect(fields(checkUsageRecord(usage({ model: 'm'.repeat(5_000_000) }), times))).toEqual(['model']);
  });
});

describe('checkOutcomeRecord', () => {
  it('bounds points, value, count and size', () => {
    expect(checkOutcomeRecord(outcome({ points: 8, value: usd('1200.50') }), times)).toEqual([]);
    expect(fields(checkOutcomeRecord(outcome({ points: 1e30 }), times))).toEqual(['points']);
    expect(fields(checkOutcomeRecord(outcome({ points: -5 }), times))).toEqual(['points']);
    expect(fields(checkOutcomeRecord(outcome({ value: usd('1e20') }), times))).toEqual(['value']);
    expect(fields(checkOutcomeRecord(outcome({ count: 2.5 }), times))).toEqual(['count']);
    const size = { additions: -1, deletions: 0, files: 1, effectiveLines: 0 };
    expect(fields(checkOutcomeRecord(outcome({ size }), times))).toEqual(['size.additions']);
    expect(fields(checkOutcomeRecord(outcome({ at: new Date('9999-12-31T00:00:00Z') }), times))).toEqual([
      'at',
    ]);
  });
});

describe('checkSeatRecord', () => {
  it('bounds the price and the period', () => {
    const seat = {
      id: 's',
      source: 'copilot',
      tool: 'copilot',
      actor: 'ana',
      plan: null,
      periodStart: '2026-01-01',
      periodEnd: null,
      price: usd(19),
      basis: 'billed' as const,
      lastActivity: null,
    };
    expect(checkSeatRecord(seat, times)).toEqual([]);
    expect(fields(checkSeatRecord({ ...seat, periodStart: '9999-12-01' }, times))).toEqual(['periodStart']);
    expect(fields(checkSeatRecord({ ...seat, periodStart: '2026-02-30' }, times))).toEqual(['periodStart']);
    expect(fields(checkSeatRecord({ ...seat, price: usd('1e9') }, times))).toEqual(['price']);
    expect(fields(checkSeatRecord({ ...seat, periodEnd: '2025-12-01' }, times))).toEqual(['periodEnd']);
  });
});

describe('screenRecords', () => {
  it('keeps the good records beside a bad one, and never throws on an odd record', () => {
    const odd = { ...usage({ id: 'odd' }), tokens: null } as unknown as UsageRecord;
    const bad = usage({ id: 'bad', requests: -1 });
    const { kept, rejected } = screenRecords(
      [usage({ id: 'a' }), bad, odd, usage({ id: 'b' })],
      checkUsageRecord,
      times,
    );
    expect(kept.map((r) => r.id)).toEqual(['a', 'b']);
    expect(rejected.map((r) => r.record.id)).toEqual(['bad', 'odd']);
  });
});
