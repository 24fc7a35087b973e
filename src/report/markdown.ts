import type { Finding } from '../diagnostics/finding.js';
import type { WeeklyReport } from '../diagnostics/weekly.js';
import { formatUsd } from '../domain/money.js';
import { markdownText } from './markdown-text.js';
import { byTeamLine, bySession, directPushLine } from './terminal.js';

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const int = (x: number | null) => (x === null ? '—' : Math.round(x).toLocaleString('en-US'));
/** Text comes from names in the org file: keep it from breaking a table or being read as HTML. */
const cell = markdownText;

function finding(f: Finding): string {
  return [
    `- ${f.flag ? '**▲** ' : ''}**${cell(f.question)}** ${cell(f.answer)}`,
    ...(f.action ? [`  - Next: ${cell(f.action)}`] : []),
    `  - Metrics: ${f.metricIds.map((m) => `\`${m}\``).join(', ')}`,
  ].join('\n');
}

/** The weekly diagnostic as Markdown, for a wiki page or a pull request comment. */
export function renderWeeklyMarkdown(r: WeeklyReport): string {
  const h = r.headline;
  const lines = [
    `# Mileage weekly diagnostic — ${cell(r.org)}`,
    '',
    `${r.window.since} to ${r.window.until} (exclusive).`,
    '',
    '| AI spend | merged PRs | cost / merged PR | delivery points | top-5 share | unpriced tokens |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${formatUsd(h.spend)} | ${h.mergedPrs} | ${h.costPerMergedPr ? formatUsd(h.costPerMergedPr) : '—'} | ${h.deliveryPoints.toFixed(0)} | ${pct(h.top5Share)} | ${int(h.unpricedTokens)} |`,
    ...(h.directPushes ? ['', directPushLine(h.directPushes)] : []),
    '',
    '## 1. Where the money went',
    '',
    '| workload | model | spend | share | tokens per $ | cache-read share |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...r.topWorkloads.map(
      (w) =>
        `| ${cell(w.label)} | ${cell(w.model ?? '—')} | ${formatUsd(w.cost)} | ${pct(w.share)} | ${int(w.tokensPerDollar)} | ${pct(w.cacheReadShare)} |`,
    ),
  ];
  const teams = byTeamLine(r);
  if (teams) lines.push('', cell(teams));
  const sections: [string, Finding['section'][]][] = [
    ['2. Is the top workload on the right model?', ['model_fit']],
    ['3. User variance worth a conversation', ['variance']],
    ['Trajectory, quality tax, anomalies and data', ['trajectory', 'quality', 'anomaly', 'data']],
  ];
  for (const [title, ids] of sections) {
    const fs = r.findings.filter((f) => ids.includes(f.section));
    if (fs.length) lines.push('', `## ${title}`, '', ...fs.map(finding));
  }
  lines.push(
    '',
    `Coverage: ${r.coverage.map((c) => `${c.level} ${pct(c.share)}`).join(', ')} of spend${bySession(r)}.`,
    '',
  );
  return lines.join('\n');
}
