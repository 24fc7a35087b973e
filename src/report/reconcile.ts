import { formatUsd, usd } from '../domain/money.js';
import type { StreamMonth } from '../reconcile/reconcile.js';

const dollars = (v: string) => formatUsd(usd(v));
const percent = (r: number) => `${(r * 100).toFixed(1)}%`;
const signed = (r: number) =>
  Number.isFinite(r) ? `${r >= 0 ? '+' : ''}${percent(r)}` : 'no bill those days';

/** `mileage reconcile` for people: one block per stream and month. */
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
    if (gaps.length === 0) row('gaps', 'none');
    for (const g of gaps) row('gap', g);
    return lines.join('\n');
  });
  return blocks.join('\n\n');
}
