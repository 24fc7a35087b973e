import type { WeeklyReport } from '../diagnostics/weekly.js';
import { formatUsd } from '../domain/money.js';
import { byTeamLine } from './terminal.js';

/** Everything from data is escaped: names and labels come from users' files and must render inert. */
export function escapeHtml(s: string): string {
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** An inline SVG line chart of one weekly series: no script, no network, opens offline. */
function sparkline(values: number[], label: string, colour: string): string {
  const w = 520;
  const h = 90;
  const max = Math.max(...values, 1e-9);
  const step = values.length > 1 ? w / (values.length - 1) : w;
  const points = values
    .map((v, i) => `${(i * step).toFixed(1)},${(h - (v / max) * (h - 10) - 5).toFixed(1)}`)
    .join(' ');
  return `<figure><svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeHtml(label)}"><polyline fill="none" stroke="${colour}" stroke-width="2" points="${points}"/></svg><figcaption>${escapeHtml(label)}</figcaption></figure>`;
}

/** The weekly diagnostic as one self-contained HTML file (inline CSS and SVG charts). */
export function renderWeeklyHtml(r: WeeklyReport): string {
  const e = escapeHtml;
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  const h = r.headline;
  const findings = r.findings
    .map(
      (f) =>
        `<section class="finding${f.flag ? ' flag' : ''}"><h3>${f.flag ? '▲ ' : ''}${e(f.question)}</h3><p>${e(f.answer)}</p>${f.action ? `<p class="action">Next: ${e(f.action)}</p>` : ''}<p class="metrics">${f.metricIds.map((m) => `<code>${e(m)}</code>`).join(' ')}</p></section>`,
    )
    .join('\n');
  const teamLine = byTeamLine(r);
  const rows = r.topWorkloads
    .map(
      (w) =>
        `<tr><td>${e(w.label)}</td><td>${e(w.model ?? '—')}</td><td class="n">${e(formatUsd(w.cost))}</td><td class="n">${pct(w.share)}</td><td class="n">${w.tokensPerDollar === null ? '—' : Math.round(w.tokensPerDollar).toLocaleString('en-US')}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mileage weekly diagnostic — ${e(r.org)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
table{border-collapse:collapse}td,th{padding:.25rem .6rem;border-bottom:1px solid #dde}td.n{text-align:right}
.flag h3{color:#a4400a}.metrics code{font-size:.8em;background:#f1f2f6;padding:0 .3em}figure{display:inline-block;margin:0 1rem 1rem 0}</style>
</head><body>
<h1>Mileage weekly diagnostic — ${e(r.org)}</h1>
<p>${e(r.window.since)} to ${e(r.window.until)} (exclusive)</p>
<table><tr><th>AI spend</th><th>merged PRs</th><th>cost / merged PR</th><th>top-5 share</th><th>unpriced tokens</th></tr>
<tr><td class="n">${e(formatUsd(h.spend))}</td><td class="n">${h.mergedPrs}</td><td class="n">${h.costPerMergedPr ? e(formatUsd(h.costPerMergedPr)) : '—'}</td><td class="n">${pct(h.top5Share)}</td><td class="n">${h.unpricedTokens.toLocaleString('en-US')}</td></tr></table>
${sparkline(
  r.weeks.map((w) => w.cost.toNumber()),
  'AI spend per week',
  '#c2410c',
)}
${sparkline(
  r.weeks.map((w) => w.points),
  'Delivery points per week',
  '#1d4ed8',
)}
<h2>1. Where the money went</h2>
<table><tr><th>workload</th><th>model</th><th>spend</th><th>share</th><th>tokens per $</th></tr>${rows}</table>
${teamLine ? `<p>${e(teamLine)}</p>` : ''}
<h2>Findings</h2>
${findings}
</body></html>
`;
}
