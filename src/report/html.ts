import type { WeeklyReport } from '../diagnostics/weekly.js';
import { formatUsd, usd } from '../domain/money.js';
import { escapeHtml } from './html-escape.js';
import { explain } from './plain-words.js';
import { lineChart } from './svg-chart.js';
import { byTeamLine, nextStep } from './terminal.js';
import { CHANGES_TITLE, changeSection, NO_PREVIOUS_WEEK } from './week-changes-text.js';

export { escapeHtml } from './html-escape.js';

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const count = (x: number) => Math.round(x).toLocaleString('en-US');

function changesHtml(r: WeeklyReport): string {
  const e = escapeHtml;
  const s = changeSection(r.changes);
  if (!s) return `<p>${e(NO_PREVIOUS_WEEK)}</p>`;
  const items = [...s.moves, ...s.newFindings, ...s.cleared, ...(s.still ? [s.still] : [])];
  return `<p>${e(s.basis)}</p><ul class="changes">${items.map((i) => `<li>${e(i)}</li>`).join('')}</ul>`;
}

/** The weekly diagnostic as one self-contained HTML file (inline CSS and SVG charts). */
export function renderWeeklyHtml(r: WeeklyReport): string {
  const e = escapeHtml;
  const h = r.headline;
  const findings = r.findings
    .map((f) => {
      const next = nextStep(f);
      return `<section class="finding${f.flag ? ' flag' : ''}"><h3>${f.flag ? '▲ ' : ''}${e(f.question)}</h3><p>${e(f.answer)}</p>${next ? `<p class="action">${e(next)}</p>` : ''}<p class="metrics">${f.metricIds.map((m) => `<code>${e(m)}</code>`).join(' ')}</p></section>`;
    })
    .join('\n');
  const teamLine = byTeamLine(r);
  const rows = r.topWorkloads
    .map(
      (w) =>
        `<tr><td>${e(w.label)}</td><td>${e(w.model ?? '—')}</td><td class="n">${e(formatUsd(w.cost))}</td><td class="n">${pct(w.share)}</td><td class="n">${w.tokensPerDollar === null ? '—' : count(w.tokensPerDollar)}</td><td class="n">${pct(w.cacheReadShare)}</td></tr>`,
    )
    .join('');
  const labels = r.weeks.map((w) => w.week);
  const paragraphs = (lines: string[]) => lines.map((l) => `<p class="term">${e(l)}</p>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mileage weekly diagnostic — ${e(r.org)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
table{border-collapse:collapse}td,th{padding:.25rem .6rem;border-bottom:1px solid #dde}td.n{text-align:right}
.flag h3{color:#a4400a}.metrics code{font-size:.8em;background:#f1f2f6;padding:0 .3em}.term{font-size:.9em;color:#4b5563}
figure.chart{display:inline-block;margin:0 1rem 1rem 0}figure.chart figcaption{font-size:.85em;color:#4b5563}</style>
</head><body>
<h1>Mileage weekly diagnostic — ${e(r.org)}</h1>
<p>${e(r.window.since)} to ${e(r.window.until)} (exclusive)</p>
<h2>${e(CHANGES_TITLE)}</h2>
${changesHtml(r)}
<h2>Headline</h2>
<table><tr><th>AI spend</th><th>merged PRs</th><th>cost / merged PR</th><th>delivery points</th><th>top-5 share</th><th>unpriced tokens</th></tr>
<tr><td class="n">${e(formatUsd(h.spend))}</td><td class="n">${count(h.mergedPrs)}</td><td class="n">${h.costPerMergedPr ? e(formatUsd(h.costPerMergedPr)) : '—'}</td><td class="n">${count(h.deliveryPoints)}</td><td class="n">${pct(h.top5Share)}</td><td class="n">${count(h.unpricedTokens)}</td></tr></table>
${paragraphs(explain(['delivery points']))}
${lineChart({
  title: 'AI spend per week',
  yTitle: 'spend (US dollars)',
  xTitle: 'week starting (Monday)',
  labels,
  values: r.weeks.map((w) => w.cost.toNumber()),
  format: (v) => formatUsd(usd(v.toFixed(2)), 0),
  colour: '#c2410c',
})}
${lineChart({
  title: 'Delivery points per week',
  yTitle: 'delivery points',
  xTitle: 'week starting (Monday)',
  labels,
  values: r.weeks.map((w) => w.points),
  format: count,
  colour: '#1d4ed8',
})}
<h2>1. Where the money went</h2>
<table><tr><th>workload</th><th>model</th><th>spend</th><th>share</th><th>tokens per $</th><th>cache-read share</th></tr>${rows}</table>
${paragraphs(explain(['tokens per $', 'cache-read share']))}
${teamLine ? `<p>${e(teamLine)}</p>` : ''}
<h2>Findings</h2>
${findings}
</body></html>
`;
}
