import type { Finding } from '../diagnostics/finding.js';
import type { WeeklyReport } from '../diagnostics/weekly.js';
import { formatUsd } from '../domain/money.js';
import { markdownText } from './markdown-text.js';
import { explain } from './plain-words.js';
import { byTeamLine, bySession, directPushLine, nextStep } from './terminal.js';
import { CHANGES_TITLE, changeSection, NO_PREVIOUS_WEEK } from './week-changes-text.js';

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const int = (x: number | null) => (x === null ? '—' : Math.round(x).toLocaleString('en-US'));
/** Text comes from names in the org file: keep it from breaking a table or being read as HTML. */
const cell = markdownText;

function finding(f: Finding): string {
  return [
    `- ${f.flag ? '**▲** ' : ''}**${cell(f.question)}** ${cell(f.answer)}`,
    ...(f.action ? [`  - ${cell(nextStep(f) ?? '')}`] : []),
    `  - Metrics: ${f.metricIds.map((m) => `\`${m}\``).join(', ')}`,
  ].join('\n');
}

/** The week's changes as a list: the movement of each headline number, then findings new and cleared. */
function changesMarkdown(r: WeeklyReport): string[] {
  const s = changeSection(r.changes);
  if (!s) return [NO_PREVIOUS_WEEK];
  return [
    cell(s.basis),
    '',
    ...s.moves.map((m) => `- ${cell(m)}`),
    ...s.newFindings.map((m) => `- ${cell(m)}`),
    ...s.cleared.map((m) => `- ${cell(m)}`),
    ...(s.still ? [`- ${cell(s.still)}`] : []),
  ];
}

/** The weekly diagnostic as Markdown, for a wiki page or a pull request comment. */
export function renderWeeklyMarkdown(r: WeeklyReport): string {
  const h = r.headline;
  const lines = [
    `# Mileage weekly diagnostic — ${cell(r.org)}`,
    '',
    `${r.window.since} to ${r.window.until} (exclusive).`,
    '',
    `## ${CHANGES_TITLE}`,
    '',
    ...changesMarkdown(r),
    '',
    '## Headline',
    '',
    '| AI spend | merged PRs | cost / merged PR | delivery points | top-5 share | unpriced tokens |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${formatUsd(h.spend)} | ${h.mergedPrs} | ${h.costPerMergedPr ? formatUsd(h.costPerMergedPr) : '—'} | ${int(h.deliveryPoints)} | ${pct(h.top5Share)} | ${int(h.unpricedTokens)} |`,
    '',
    ...explain(['delivery points']).map(cell),
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
  for (const line of explain(['tokens per $', 'cache-read share'])) lines.push('', cell(line));
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
