import type { Privacy } from '../domain/directory.js';
import { usd, ZERO_USD, type Usd } from '../domain/money.js';
import { personVisibility, type Viewer } from '../org/privacy.js';
import type { Db, Row } from '../store/db.js';
import { seatStreamPerTool } from '../store/seat-streams.js';
import {
  ledgerMonthsSql,
  ledgerPeopleSql,
  sourceMonthsSql,
  sourceVsBilledSql,
  streamDaysSql,
} from './queries.js';

/** Sources whose total differs from the billed total of the same days by more than this are flagged. */
export const DISAGREEMENT_THRESHOLD = 0.05;

export interface SourceTotal {
  source: string;
  basis: 'billed' | 'provider_reported' | 'list_estimate';
  /** The source's own cost, else its list estimate (decimal USD). */
  amount: string;
  records: number;
  unpriced: number;
  days: number;
}

export interface Disagreement {
  source: string;
  /** What the source says on the days it shares with the billed data. */
  amount: string;
  billed: string;
  days: number;
  /** (amount - billed) / billed. */
  difference: number;
}

export interface Allocation {
  /** A person id; a team (`team:<id>`) when privacy hides individuals; null for spend attributed to no one. */
  person: string | null;
  amount: string;
}

export interface StreamMonth {
  stream: string;
  month: string;
  /** What the ledger counts: the authoritative total of every day, each dollar once. */
  counted: string;
  /** The part of `counted` on days whose authority is a billed source. */
  billed: string;
  /** The most complete estimate of the same spend (the largest non-billed source). */
  estimated: string;
  attributed: { any: string; people: string; sessions: string; keys: string; workflows: string };
  unattributed: string;
  /** attributed.any / counted. */
  attributedShare: number;
  people: Allocation[];
  sources: SourceTotal[];
  gaps: {
    /** The stream has no billed source this month: its total is an estimate. */
    noBilledSource: boolean;
    /** Days of the month (within the window and the stream's data) with no billed record. */
    daysWithoutBilled: string[];
    disagreements: Disagreement[];
  };
  unpricedEntries: number;
}

export interface ReconcileOptions {
  since: string | null;
  until: string | null;
  privacy: Privacy;
  viewer: Viewer;
}

const BASES = ['list_estimate', 'provider_reported', 'billed'] as const;
const str = (v: Row[string] | undefined): string => (v === null || v === undefined ? '' : String(v));
const money = (v: Row[string] | undefined): Usd =>
  v === null || v === undefined || v === '' ? ZERO_USD : usd(String(v));
const key = (stream: string, month: string) => `${stream}\u0000${month}`;

function groupBy<T>(rows: T[], keyOf: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) out.set(keyOf(r), [...(out.get(keyOf(r)) ?? []), r]);
  return out;
}

/** Every day from `from` to `to` inclusive, as YYYY-MM-DD. */
function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (
    let d = new Date(`${from}T00:00:00Z`);
    d <= new Date(`${to}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1)
  )
    out.push(d.toISOString().slice(0, 10));
  return out;
}

/** The month's days within the window and within the stream's first and last day of data. */
function monthDays(month: string, streamFirst: string, streamLast: string, o: ReconcileOptions): string[] {
  const start = `${month}-01`;
  const next = new Date(`${start}T00:00:00Z`);
  next.setUTCMonth(next.getUTCMonth() + 1);
  const last = new Date(next.getTime() - 86_400_000).toISOString().slice(0, 10);
  const lo = [start, streamFirst, o.since ?? start].sort().at(-1) ?? start;
  const untilLast = o.until
    ? new Date(Date.parse(`${o.until}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10)
    : last;
  const hi = [last, streamLast, untilLast].sort()[0] ?? last;
  return lo <= hi ? daysBetween(lo, hi) : [];
}

/**
 * Per person, with individuals folded into their team where privacy hides them, and a team with fewer than
 * `min_group_size` such people in the stream and month folded into `team:other` (one hidden person's
 * allocation is never readable on its own).
 */
async function allocations(
  db: Db,
  o: ReconcileOptions,
  params: Record<string, string | null>,
  stream: string,
) {
  const teams = new Map(
    (await db.query('SELECT person_id, team_id FROM dir_people')).map((r) => [str(r.person_id), r.team_id]),
  );
  const rows = await db.query(ledgerPeopleSql(stream), params);
  const byCell = new Map<string, { label: string | null; person: string | null; amount: Usd }[]>();
  for (const r of rows) {
    const person = r.person_id === null ? null : str(r.person_id);
    const team = person === null ? null : ((teams.get(person) as string | null | undefined) ?? null);
    const label =
      person === null || personVisibility(o.privacy, o.viewer, team) === 'named'
        ? person
        : `team:${team ?? 'none'}`;
    const k = key(str(r.stream), str(r.month));
    const cell = byCell.get(k) ?? [];
    cell.push({ label, person, amount: money(r.amount) });
    byCell.set(k, cell);
  }
  const out = new Map<string, Map<string | null, Usd>>();
  for (const [k, cell] of byCell) {
    const people = new Map<string, Set<string>>();
    for (const e of cell) {
      // Only a folded person's label is a team; a named person is their own row.
      if (e.label === null || e.person === null || e.label === e.person) continue;
      people.set(e.label, (people.get(e.label) ?? new Set()).add(e.person));
    }
    const m = new Map<string | null, Usd>();
    for (const e of cell) {
      const small = e.label !== null && (people.get(e.label)?.size ?? Infinity) < o.privacy.minGroupSize;
      const label = small ? 'team:other' : e.label;
      m.set(label, (m.get(label) ?? ZERO_USD).plus(e.amount));
    }
    out.set(k, m);
  }
  return out;
}

/**
 * Reconciles each spend stream's months: what the ledger counts against what was billed and what the
 * overlapping sources say on their own, how much of it is attributed, and where the data has gaps. The
 * ledger must be fresh (ingest and sync refresh it).
 */
export async function reconcile(db: Db, o: ReconcileOptions): Promise<StreamMonth[]> {
  const params = { since: o.since, until: o.until };
  // A seat's stream is `seat:<tool>:<holder>`: where people may not be named, each tool's seats are one stream.
  const stream =
    personVisibility(o.privacy, o.viewer, null) === 'named' ? 'stream' : seatStreamPerTool('stream');
  const [months, sources, days, versus, people] = await Promise.all([
    db.query(ledgerMonthsSql(stream), params),
    db.query(sourceMonthsSql(stream), params),
    db.query(streamDaysSql(stream), params),
    db.query(sourceVsBilledSql(stream), params),
    allocations(db, o, params, stream),
  ]);
  const sourcesBy = groupBy(sources, (r) => key(str(r.stream), str(r.month)));
  const versusBy = groupBy(versus, (r) => key(str(r.stream), str(r.month)));
  const daysBy = groupBy(days, (r) => str(r.stream));
  return months.map((m) => {
    const stream = str(m.stream);
    const month = str(m.month);
    const counted = money(m.counted);
    const own: SourceTotal[] = (sourcesBy.get(key(stream, month)) ?? []).map((s) => ({
      source: str(s.source),
      basis: BASES[Number(s.basis_rank) - 1] ?? 'list_estimate',
      amount: str(s.amount),
      records: Number(s.records),
      unpriced: Number(s.unpriced),
      days: Number(s.days),
    }));
    const estimates = own.filter((s) => s.basis !== 'billed').map((s) => usd(s.amount));
    const estimated = estimates.reduce((a, b) => (b.greaterThan(a) ? b : a), ZERO_USD);
    const streamDays = daysBy.get(stream) ?? [];
    const billedDays = new Set(streamDays.filter((d) => d.billed === true).map((d) => str(d.day)));
    const noBilledSource = !own.some((s) => s.basis === 'billed');
    const allDays = streamDays.map((d) => str(d.day));
    const daysWithoutBilled = noBilledSource
      ? []
      : monthDays(month, allDays[0] ?? month, allDays.at(-1) ?? month, o).filter((d) => !billedDays.has(d));
    const disagreements = (versusBy.get(key(stream, month)) ?? [])
      .map((v) => {
        const amount = money(v.amount);
        const billed = money(v.billed);
        const difference = billed.isZero()
          ? amount.isZero()
            ? 0
            : Infinity
          : amount.minus(billed).dividedBy(billed).toNumber();
        return {
          source: str(v.source),
          amount: amount.toFixed(),
          billed: billed.toFixed(),
          days: Number(v.days),
          difference,
        };
      })
      .filter((d) => Math.abs(d.difference) > DISAGREEMENT_THRESHOLD);
    const any = money(m.attributed);
    const alloc = people.get(key(stream, month)) ?? new Map<string | null, Usd>();
    return {
      stream,
      month,
      counted: counted.toFixed(),
      billed: money(m.billed).toFixed(),
      estimated: estimated.toFixed(),
      attributed: {
        any: any.toFixed(),
        people: money(m.to_people).toFixed(),
        sessions: money(m.to_sessions).toFixed(),
        keys: money(m.to_keys).toFixed(),
        workflows: money(m.to_workflows).toFixed(),
      },
      unattributed: counted.minus(any).toFixed(),
      attributedShare: counted.isZero() ? 0 : any.dividedBy(counted).toNumber(),
      people: [...alloc]
        .map(([person, amount]) => ({ person, amount: amount.toFixed() }))
        .sort((a, b) => (a.person === null ? 1 : b.person === null ? -1 : a.person.localeCompare(b.person))),
      sources: own,
      gaps: { noBilledSource, daysWithoutBilled, disagreements },
      unpricedEntries: Number(m.unpriced_entries),
    };
  });
}
