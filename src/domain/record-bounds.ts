import { currentAcceptedTimes, type AcceptedTimes } from './accepted-times.js';
import type { Usd } from './money.js';
import type { OutcomeRecord } from './outcome.js';
import type { ReportedActiveUsers, SeatActivity, SeatRecord } from './seat.js';
import type { UsageRecord } from './usage.js';

/**
 * The one validator every ingest path calls (files, CLI, server API, OTLP, bundles, connectors) before a
 * record reaches the store, and the bounds the store's bulk readers apply in SQL (store/duckdb/bounds-sql.ts).
 *
 * Why bounds at all: an absurd number (9e18 tokens, a cost of 1e20) once overflowed the store's exact
 * decimals during pricing and made every later ingest fail. Each bound is far above any real value and far
 * below what the store's types and sums can hold:
 * - tokens: 100M per token kind in one request (10× the largest context window sold), and 1 billion per
 *   token kind per minute of a bucket (a daily record may hold 1.44 trillion: a large org's whole day);
 * - requests: 10,000 in a request record, 1 million per minute of a bucket;
 * - amounts (a record's cost, an outcome's value): at most $10M each, and never negative except billed
 *   credits and refunds;
 * - seats: at most $100,000 a month; outcome points 0–1,000; counts and change sizes whole numbers up to 1e9;
 * - names (model, tool, provider, stream, workflow) at most 512 characters, other text 4,096;
 * - times inside the accepted range (domain/accepted-times.ts), and an end never before its start.
 * Token kinds are iterated generically, so a dimension added to TokenCounts is bounded without a change here.
 */
export const RECORD_BOUNDS = {
  tokensPerRequest: 100_000_000,
  tokensPerMinute: 1_000_000_000,
  requestsPerRequestRecord: 10_000,
  requestsPerMinute: 1_000_000,
  amountUsd: 10_000_000,
  seatMonthlyUsd: 100_000,
  points: 1_000,
  wholeCount: 1_000_000_000,
  nameChars: 512,
  textChars: 4_096,
} as const;

/**
 * All tokens of one request an agent reports (its log or telemetry: every kind summed). Tighter than the
 * per-kind bound because an agent's request is one model call whose context is at most a few million
 * tokens: more is a corrupt or hostile line, rejected before its kinds are even split.
 */
export const MAX_TOKENS_PER_REQUEST = 10_000_000;

/** A bad field of one record: the field as the record names it (`tokens.input`, `cost.amount`, `at`). */
export interface FieldProblem {
  field: string;
  message: string;
}

const MINUTE_MS = 60_000;

/** How many tokens of one kind a record may hold: per request, or scaled to its bucket's length. */
export function tokenLimit(granularity: UsageRecord['granularity'], start: Date, end: Date): number {
  if (granularity === 'request') return RECORD_BOUNDS.tokensPerRequest;
  const minutes = Math.max(1, Math.ceil((end.getTime() - start.getTime()) / MINUTE_MS));
  return Math.max(RECORD_BOUNDS.tokensPerRequest, RECORD_BOUNDS.tokensPerMinute * minutes);
}

export function requestLimit(granularity: UsageRecord['granularity'], start: Date, end: Date): number {
  if (granularity === 'request') return RECORD_BOUNDS.requestsPerRequestRecord;
  const minutes = Math.max(1, Math.ceil((end.getTime() - start.getTime()) / MINUTE_MS));
  return Math.max(RECORD_BOUNDS.requestsPerRequestRecord, RECORD_BOUNDS.requestsPerMinute * minutes);
}

/** A whole number in [0, max]; the problem names what is wrong, NaN and Infinity included. */
export function wholeProblem(value: unknown, max: number): string | null {
  if (typeof value !== 'number') return `not a number: ${describe(value)}`;
  if (Number.isNaN(value)) return 'not a number (NaN)';
  if (!Number.isFinite(value)) return `not a finite number: ${value}`;
  if (!Number.isInteger(value)) return `not a whole number: ${value}`;
  if (value < 0) return `negative: ${value}`;
  if (value > max) return `${value} is above the bound of ${max.toLocaleString('en-US')}`;
  return null;
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function timeProblem(value: unknown, times: AcceptedTimes): string | null {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) return `not a time: ${describe(value)}`;
  if (value < times.earliest)
    return `${value.toISOString()} is before ${times.earliest.toISOString()} (accepted range, MILEAGE_ACCEPT_SINCE)`;
  if (value > times.latest)
    return `${value.toISOString()} is after ${times.latest.toISOString()} (more than the accepted time ahead of this machine's clock, MILEAGE_ACCEPT_AHEAD)`;
  return null;
}

function amountProblem(value: Usd, max: number, negativeAllowed: boolean): string | null {
  if (!value.isFinite()) return `not a finite amount: ${value.toString()}`;
  if (!negativeAllowed && value.isNegative() && !value.isZero()) return `negative: ${value.toString()}`;
  if (value.abs().greaterThan(max))
    return `${value.toString()} is beyond the bound of ${max.toLocaleString('en-US')} USD`;
  return null;
}

function textProblem(value: unknown, max: number): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return `not text: ${describe(value)}`;
  if (value.length > max)
    return `${value.length.toLocaleString('en-US')} characters, above the bound of ${max}`;
  return null;
}

/** Every numeric leaf of a token object, with its path (`tokens.cacheWrite5m`, `tokens.serverTools.webSearch`). */
function tokenLeaves(value: unknown, path: string, out: [string, unknown][]): void {
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      tokenLeaves(v, `${path}.${k}`, out);
  } else if (value !== undefined) out.push([path, value]);
}

const USAGE_NAMES = ['tool', 'provider', 'model', 'stream', 'source'] as const;
const HINT_NAMES = new Set(['workflow']);
const HASHED_HINTS = new Set(['actorHashed', 'keyHashed']);

/** The problems of one usage record; empty when every field is within its bounds. */
export function checkUsageRecord(
  r: UsageRecord,
  times: AcceptedTimes = currentAcceptedTimes(),
): FieldProblem[] {
  const out: FieldProblem[] = [];
  const add = (field: string, message: string | null) => {
    if (message !== null) out.push({ field, message });
  };
  add('start', timeProblem(r.start, times));
  add('end', timeProblem(r.end, times));
  const timesOk = out.length === 0;
  if (timesOk && r.end < r.start)
    add('end', `${r.end.toISOString()} is before start ${r.start.toISOString()}`);
  const start = timesOk ? r.start : new Date(0);
  const end = timesOk ? r.end : new Date(0);
  const limit = tokenLimit(r.granularity, start, end);
  const leaves: [string, unknown][] = [];
  if (r.tokens === null || typeof r.tokens !== 'object') add('tokens', 'missing');
  else tokenLeaves(r.tokens, 'tokens', leaves);
  // Server-tool requests are counts beside the tokens: the same per-request / per-minute bound holds.
  if (r.serverTools) tokenLeaves(r.serverTools, 'serverTools', leaves);
  for (const [field, value] of leaves) add(field, wholeProblem(value, limit));
  add('requests', wholeProblem(r.requests, requestLimit(r.granularity, start, end)));
  if (r.cost.amount !== null)
    add('cost.amount', amountProblem(r.cost.amount, RECORD_BOUNDS.amountUsd, r.cost.basis === 'billed'));
  for (const name of USAGE_NAMES) add(name, textProblem(r[name], RECORD_BOUNDS.nameChars));
  for (const [name, value] of Object.entries(r.hints)) {
    if (HASHED_HINTS.has(name)) {
      // Pseudonymised identity (domain/pseudonymise.ts): a hash and a hint, each text.
      const h = value as { hash?: unknown; hint?: unknown } | null;
      add(`hints.${name}.hash`, textProblem(h?.hash ?? '', RECORD_BOUNDS.textChars));
      add(`hints.${name}.hint`, textProblem(h?.hint ?? '', RECORD_BOUNDS.textChars));
      continue;
    }
    add(
      `hints.${name}`,
      textProblem(value, HINT_NAMES.has(name) ? RECORD_BOUNDS.nameChars : RECORD_BOUNDS.textChars),
    );
  }
  return out;
}

/** The problems of one outcome (a merged PR, a closed ticket, a workflow outcome). */
export function checkOutcomeRecord(
  r: OutcomeRecord,
  times: AcceptedTimes = currentAcceptedTimes(),
): FieldProblem[] {
  const out: FieldProblem[] = [];
  const add = (field: string, message: string | null) => {
    if (message !== null) out.push({ field, message });
  };
  add('at', timeProblem(r.at, times));
  for (const field of ['openedAt', 'startedAt', 'firstReviewAt', 'approvedAt'] as const) {
    const value = r[field];
    if (value !== null && value !== undefined) add(field, timeProblem(value, times));
  }
  if (r.size)
    for (const [k, v] of Object.entries(r.size)) add(`size.${k}`, wholeProblem(v, RECORD_BOUNDS.wholeCount));
  if (r.points !== null) {
    if (typeof r.points !== 'number' || !Number.isFinite(r.points))
      add('points', `not a finite number: ${describe(r.points)}`);
    else if (r.points < 0) add('points', `negative: ${r.points}`);
    else if (r.points > RECORD_BOUNDS.points)
      add('points', `${r.points} is above the bound of ${RECORD_BOUNDS.points}`);
  }
  add('count', wholeProblem(r.count, RECORD_BOUNDS.wholeCount));
  if (r.value !== null) add('value', amountProblem(r.value, RECORD_BOUNDS.amountUsd, false));
  for (const name of ['source', 'kind', 'workflow', 'workType'] as const)
    add(name, textProblem(r[name], RECORD_BOUNDS.nameChars));
  for (const name of [
    'actor',
    'repo',
    'ref',
    'parentRef',
    'headBranch',
    'aiEvidence',
    'reworkReason',
  ] as const)
    add(name, textProblem(r[name], RECORD_BOUNDS.textChars));
  return out;
}

function dayProblem(day: unknown, times: AcceptedTimes): string | null {
  if (typeof day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(day))
    return `not a day (YYYY-MM-DD): ${describe(day)}`;
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day) return `not a calendar day: ${day}`;
  // A day is accepted when any of its instants is.
  if (d.getTime() + 86_399_999 < times.earliest.getTime())
    return `${day} is before ${times.earliest.toISOString()} (accepted range, MILEAGE_ACCEPT_SINCE)`;
  if (d > times.latest)
    return `${day} is after ${times.latest.toISOString()} (more than the accepted time ahead of this machine's clock, MILEAGE_ACCEPT_AHEAD)`;
  return null;
}

export function checkSeatRecord(
  r: SeatRecord,
  times: AcceptedTimes = currentAcceptedTimes(),
): FieldProblem[] {
  const out: FieldProblem[] = [];
  const add = (field: string, message: string | null) => {
    if (message !== null) out.push({ field, message });
  };
  add('periodStart', dayProblem(r.periodStart, times));
  if (r.periodEnd !== null) {
    // A seat's end may lie ahead (a paid-up period), but within the range scaled to a year ahead at most.
    const farAhead = {
      earliest: times.earliest,
      latest: new Date(times.latest.getTime() + 366 * 86_400_000),
    };
    add('periodEnd', dayProblem(r.periodEnd, farAhead));
    if (out.length === 0 && r.periodEnd < r.periodStart)
      add('periodEnd', `${r.periodEnd} is before periodStart ${r.periodStart}`);
  }
  if (r.price !== null) add('price', amountProblem(r.price, RECORD_BOUNDS.seatMonthlyUsd, false));
  if (r.lastActivity !== null) add('lastActivity', timeProblem(r.lastActivity, times));
  if (r.cycleSpend) {
    add('cycleSpend.start', timeProblem(r.cycleSpend.start, times));
    add('cycleSpend.amount', amountProblem(r.cycleSpend.amount, RECORD_BOUNDS.amountUsd, false));
  }
  for (const name of ['tool', 'plan', 'source'] as const)
    add(name, textProblem(r[name], RECORD_BOUNDS.nameChars));
  add('actor', textProblem(r.actor, RECORD_BOUNDS.textChars));
  return out;
}

export function checkSeatActivity(
  r: SeatActivity,
  times: AcceptedTimes = currentAcceptedTimes(),
): FieldProblem[] {
  const out: FieldProblem[] = [];
  const day = dayProblem(r.day, times);
  if (day) out.push({ field: 'day', message: day });
  const n = wholeProblem(r.interactions, RECORD_BOUNDS.wholeCount);
  if (n) out.push({ field: 'interactions', message: n });
  for (const name of ['tool', 'source'] as const) {
    const t = textProblem(r[name], RECORD_BOUNDS.nameChars);
    if (t) out.push({ field: name, message: t });
  }
  return out;
}

export function checkActiveUsers(
  r: ReportedActiveUsers,
  times: AcceptedTimes = currentAcceptedTimes(),
): FieldProblem[] {
  const out: FieldProblem[] = [];
  const add = (field: string, message: string | null) => {
    if (message) out.push({ field, message });
  };
  add('day', dayProblem(r.day, times));
  add('users', wholeProblem(r.users, RECORD_BOUNDS.wholeCount));
  for (const name of ['tool', 'source'] as const) add(name, textProblem(r[name], RECORD_BOUNDS.nameChars));
  add('workspace', textProblem(r.workspace, RECORD_BOUNDS.textChars));
  return out;
}

/** A record left out, with why. */
export interface Rejected<T> {
  record: T;
  problems: FieldProblem[];
}

/** Splits records into the ones within bounds and the rejected ones: one bad record never takes the rest. */
export function screenRecords<T>(
  records: readonly T[],
  check: (record: T, times: AcceptedTimes) => FieldProblem[],
  times: AcceptedTimes = currentAcceptedTimes(),
): { kept: T[]; rejected: Rejected<T>[] } {
  const kept: T[] = [];
  const rejected: Rejected<T>[] = [];
  for (const record of records) {
    let problems: FieldProblem[];
    try {
      problems = check(record, times);
    } catch (cause) {
      // A record shaped so oddly that checking it throws is rejected as a whole, never a failed batch.
      problems = [
        {
          field: '(record)',
          message: `cannot be checked: ${cause instanceof Error ? cause.message : String(cause)}`,
        },
      ];
    }
    if (problems.length === 0) kept.push(record);
    else rejected.push({ record, problems });
  }
  return { kept, rejected };
}

/** One line for a rejected record's problems: `tokens.input: negative: -5; start: …`. */
export function describeProblems(problems: readonly FieldProblem[]): string {
  return problems.map((p) => `${p.field}: ${p.message}`).join('; ');
}
