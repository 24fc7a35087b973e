import type { Finding } from '../diagnostics/finding.js';
import type { WeeklyReport } from '../diagnostics/weekly.js';
import { formatUsd } from '../domain/money.js';
import { explain } from './plain-words.js';
import { CHANGES_TITLE, changeLines, NO_PREVIOUS_WEEK } from './week-changes-text.js';

/** Renders for a terminal: plain text that reads well without colour (NO_COLOR, pipes, CI logs). */
export interface RenderOptions {
  color: boolean;
}

const bold = (on: boolean, s: string) => (on ? `\u001b[1m${s}\u001b[22m` : s);
const flagMark = (on: boolean) => (on ? '\u001b[33m▲\u001b[39m' : '▲');

function pct(x: number): string {
  return `${(x * 100).toFixed(0)}%`;
}

function num(x: number | null): string {
  return x === null ? '—' : Math.round(x).toLocaleString('en-US');
}

/** A fixed-width table; numbers right-aligned. */
export function table(headers: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

function finding(f: Finding, o: RenderOptions): string {
  const head = `${f.flag ? `${flagMark(o.color)} ` : '  '}${bold(o.color, f.question)}`;
  const lines = [head, `    ${f.answer}`];
  const next = nextStep(f);
  if (next) lines.push(`    → ${next}`);
  lines.push(`    metrics: ${f.metricIds.join(', ')}`);
  return lines.join('\n');
}

/** "Next (owner: Ana Ruiz, the Payments team's coach): Ask, not grade…": every action with its owner. */
export function nextStep(f: Finding): string | null {
  if (!f.action) return null;
  return `Next (owner: ${f.owner ?? 'unassigned'}): ${f.action}`;
}

/**
 * Every team's part of the bill on one line, so section 1 accounts for all the spend, not just the top
 * workloads' share of it. Teams are named as the report's audience may see them (small teams folded).
 */
export function byTeamLine(r: WeeklyReport): string | null {
  if (r.byTeam.length === 0) return null;
  const parts = r.byTeam.map((t) => `${t.label} ${formatUsd(t.cost)} (${pct(t.share)})`);
  return `By team, the whole ${formatUsd(r.headline.spend)}: ${parts.join(' · ')}`;
}

/** Direct pushes are delivered work, reported beside merged PRs and never counted in them. */
export function directPushLine(n: number): string {
  return `Direct pushes: ${n} commit${n === 1 ? '' : 's'} pushed straight to a default branch, outside PRs (not counted as merged PRs).`;
}

export function renderWeeklyTerminal(r: WeeklyReport, o: RenderOptions): string {
  const h = r.headline;
  const out: string[] = [];
  out.push(
    bold(
      o.color,
      `Mileage — weekly diagnostic for ${r.org}, ${r.window.since} to ${r.window.until} (exclusive)`,
    ),
  );
  out.push('');
  out.push(bold(o.color, CHANGES_TITLE));
  const changes = changeLines(r.changes);
  out.push(...(changes.length ? changes : [NO_PREVIOUS_WEEK]).map((l) => `  ${l}`));
  out.push('');
  out.push(
    table(
      ['AI spend', 'merged PRs', 'cost / merged PR', 'delivery points', 'top-5 share', 'unpriced tokens'],
      [
        [
          formatUsd(h.spend),
          String(h.mergedPrs),
          h.costPerMergedPr ? formatUsd(h.costPerMergedPr) : '—',
          Math.round(h.deliveryPoints).toLocaleString('en-US'),
          pct(h.top5Share),
          h.unpricedTokens ? `${num(h.unpricedTokens)} (${h.unpricedModels.join(', ')})` : '0',
        ],
      ],
      new Set([0, 1, 2, 3, 4]),
    ),
  );
  out.push(...explain(['delivery points']));
  if (h.directPushes) out.push(directPushLine(h.directPushes));
  out.push('');
  out.push(bold(o.color, '1. Where the money went'));
  out.push(
    table(
      ['workload', 'model', 'spend', 'share', 'Δ share w/w', 'tokens per $', 'cache-read share'],
      r.topWorkloads.map((w) => [
        w.label,
        w.model ?? '—',
        formatUsd(w.cost),
        pct(w.share),
        w.shareChange === null
          ? '—'
          : `${w.shareChange >= 0 ? '+' : ''}${(w.shareChange * 100).toFixed(1)} pts`,
        num(w.tokensPerDollar),
        pct(w.cacheReadShare),
      ]),
      new Set([2, 3, 4, 5, 6]),
    ),
  );
  out.push(...explain(['tokens per $', 'cache-read share']));
  const teams = byTeamLine(r);
  if (teams) out.push(teams);
  const bySection = (s: Finding['section']) => r.findings.filter((f) => f.section === s);
  const sections: [string, Finding['section'][]][] = [
    ['2. Is the top workload on the right model?', ['model_fit']],
    ['3. User variance worth a conversation', ['variance']],
    ['Trajectory, quality tax, anomalies and data', ['trajectory', 'quality', 'anomaly', 'data']],
  ];
  for (const [title, sectionIds] of sections) {
    const fs = sectionIds.flatMap(bySection);
    if (fs.length === 0) continue;
    out.push('');
    out.push(bold(o.color, title));
    for (const f of fs) out.push(finding(f, o));
  }
  out.push('');
  out.push(
    `Coverage: ${r.coverage.map((c) => `${c.level} ${pct(c.share)}`).join(', ')} of spend${bySession(r)} · basis: ${r.headline.byBasis
      .map((b) => `${b.basis} ${formatUsd(b.cost)}`)
      .join(', ')}`,
  );
  const flags = r.findings.filter((f) => f.flag).length;
  out.push(
    `${flags} finding${flags === 1 ? '' : 's'} flagged. \`mileage metrics show <id>\` explains any metric.`,
  );
  return out.join('\n');
}

/** ` · PR spend found by session 66%`: how much of the PRs' cost the session → PR join found. */
export function bySession(r: WeeklyReport): string {
  const share = r.headline.prSpendBySession;
  return typeof share !== 'number'
    ? ''
    : ` · PR spend found by session ${pct(share)} (the rest by person × period)`;
}
