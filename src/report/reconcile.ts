import { Decimal } from 'decimal.js';
import { formatUsd, usd } from '../domain/money.js';
import type { StreamMonth } from '../reconcile/reconcile.js';
import { table } from './terminal.js';

const dollars = (v: string) => formatUsd(usd(v));
const percent = (r: number) => `${(r * 100).toFixed(1)}%`;
const signed = (r: number) =>
  Number.isFinite(r) ? `${r >= 0 ? '+' : ''}${percent(r)}` : 'no bill those days';

/** The gap lines of one stream-month: days without a bill, sources that disagree with it, unpriced entries. */
function gapLines(m: StreamMonth): string[] {
  const gaps: string[] = [];
  if (m.gaps.daysWithoutBilled.length)
    gaps.push(
      `no billed data on ${m.gaps.daysWithoutBilled.length} days: ${m.gaps.daysWithoutBilled.join(', ')}`,
    );
  for (const d of m.gaps.disagreements)
    gaps.push(
      `${d.source} says ${dollars(d.amount)} vs billed ${dollars(d.billed)} on ${d.days} days (${signed(d.difference)})`,
    );
  if (m.unpricedEntries) gaps.push(`${m.unpricedEntries} ledger entries unpriced`);
  return gaps;
}

interface SummaryRow {
  stream: string;
  month: string;
  /** Stream-months folded into this row: one, or a tool's seats (one stream per seat holder). */
  streams: number;
  counted: Decimal;
  /** Null when no stream of the row has a billed source: its total is an estimate. */
  billed: Decimal | null;
  estimated: Decimal;
  unattributed: Decimal;
  gaps: number;
}

/** Seat streams are one per holder (`seat:cursor:<person>`): the summary folds them into their tool. */
const summaryStream = (stream: string) =>
  stream.startsWith('seat:') ? stream.split(':').slice(0, 2).join(':') : stream;

/** An amount in cents as `dollars` prints it: what the detail shows for a stream-month. */
const cents = (v: string) => usd(v).toDecimalPlaces(2);

/**
 * Rows sum each stream-month's amounts in cents, as --detail prints them: a reader adding up the detail's
 * lines (or a fold's seats) gets the row and the grand total to the cent. Summed unrounded, a thousand
 * estimates' half-cents put the total a cent off the detail's sum on the demo.
 */
function summaryRows(months: readonly StreamMonth[]): SummaryRow[] {
  const rows = new Map<string, SummaryRow>();
  for (const m of months) {
    const stream = summaryStream(m.stream);
    const key = `${stream}\u0000${m.month}`;
    const r = rows.get(key) ?? {
      stream,
      month: m.month,
      streams: 0,
      counted: new Decimal(0),
      billed: null,
      estimated: new Decimal(0),
      unattributed: new Decimal(0),
      gaps: 0,
    };
    r.streams += 1;
    r.counted = r.counted.plus(cents(m.counted));
    if (!m.gaps.noBilledSource) r.billed = (r.billed ?? new Decimal(0)).plus(cents(m.billed));
    r.estimated = r.estimated.plus(cents(m.estimated));
    r.unattributed = r.unattributed.plus(cents(m.unattributed));
    r.gaps += gapLines(m).length;
    rows.set(key, r);
  }
  return [...rows.values()];
}

/**
 * `mileage reconcile` at a glance: one line per stream and month (a tool's seats on one line) and a grand
 * total, so the reader sees the whole bill before any detail, which runs to thousands of lines on a year of data.
 */
export function renderReconcileSummary(months: readonly StreamMonth[]): string {
  if (months.length === 0) return 'No spend in this window.';
  const rows = summaryRows(months);
  const money = (d: Decimal) => dollars(d.toFixed());
  const total = (pick: (r: SummaryRow) => Decimal | null) =>
    money(rows.reduce((t, r) => t.plus(pick(r) ?? 0), new Decimal(0)));
  const cells = rows.map((r) => [
    r.streams > 1 ? `${r.stream} (${r.streams} seats)` : r.stream,
    r.month,
    money(r.counted),
    r.billed === null ? 'no bill' : money(r.billed),
    money(r.estimated),
    money(r.unattributed),
    String(r.gaps),
  ]);
  cells.push([
    'total',
    '',
    total((r) => r.counted),
    total((r) => r.billed),
    total((r) => r.estimated),
    total((r) => r.unattributed),
    String(rows.reduce((n, r) => n + r.gaps, 0)),
  ]);
  return [
    table(
      ['stream', 'month', 'counted', 'billed', 'estimated', 'unattributed', 'gaps'],
      cells,
      new Set([2, 3, 4, 5, 6]),
    ),
    '',
    'counted: what the ledger counts, each dollar once (the bill where there is one); billed: the part of it',
    'a bill states; estimated: the most complete other source. Each stream and month in full (attribution,',
    'sources, every gap): --detail, or --stream NAME.',
  ].join('\n');
}

/** `mileage reconcile --detail` for people: one block per stream and month. */
export function renderReconcile(months: readonly StreamMonth[]): string {
  if (months.length === 0) return 'No spend in this window.';
  const blocks = months.map((m) => {
    const lines = [`${m.stream}  ${m.month}`];
    const row = (label: string, text: string) => lines.push(`  ${label.padEnd(13)}${text}`);
    row(
      'counted',
      `${dollars(m.counted)}  (${m.gaps.noBilledSource ? 'no billed source: estimate' : `billed ${dollars(m.billed)}`})`,
    );
    row('estimated', `${dollars(m.estimated)}  (the most complete other source)`);
    row(
      'attributed',
      `${dollars(m.attributed.any)}  ${percent(m.attributedShare)}  people ${dollars(m.attributed.people)} · keys ${dollars(m.attributed.keys)} · workflows ${dollars(m.attributed.workflows)} · sessions ${dollars(m.attributed.sessions)}`,
    );
    row('unattributed', dollars(m.unattributed));
    row(
      'by person',
      m.people.map((p) => `${p.person ?? '(no one)'} ${dollars(p.amount)}`).join(' · ') || '—',
    );
    for (const s of m.sources) {
      row(
        'source',
        `${s.source} (${s.basis}) ${dollars(s.amount)}, ${s.records.toLocaleString('en-US')} records on ${s.days} days${s.unpriced ? `, ${s.unpriced} unpriced` : ''}`,
      );
    }
    const gaps = gapLines(m);
    if (gaps.length === 0) row('gaps', 'none');
    for (const g of gaps) row('gap', g);
    return lines.join('\n');
  });
  return blocks.join('\n\n');
}
