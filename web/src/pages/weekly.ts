import { reviveWeekChanges } from '../../../src/diagnostics/week-changes.js';
import { weeklyTable } from '../../../src/report/answer-tables.js';
import { changeSection, NO_PREVIOUS_WEEK } from '../../../src/report/week-changes-text.js';
import { fromAnswer, get } from '../api.js';
import { metricLink } from '../definitions.js';
import { append, el } from '../dom.js';
import type { Page } from '../page.js';
import { apiParams, navigate, pageParam } from '../state.js';
import type { Finding, WeeklyReport } from '../types.js';
import { metricTable, pageHeader, section } from '../views.js';

/**
 * "What changed since last Monday", in the words every format of the weekly report uses (one definition:
 * src/report/week-changes-text.ts): the headline numbers' movement, then new, cleared and still-flagged
 * findings. The report leads with it, and so does this page.
 */
export function changesView(report: WeeklyReport): HTMLElement {
  const s = changeSection(reviveWeekChanges(report.changes));
  if (!s) return section('What changed since last Monday', el('p', { class: 'basis' }, NO_PREVIOUS_WEEK));
  return section(
    s.title,
    el('p', { class: 'basis' }, s.basis),
    el(
      'ul',
      { class: 'moves', 'aria-label': 'Headline numbers against last Monday' },
      s.moves.map((m) => el('li', {}, m)),
    ),
    el(
      'ul',
      { class: 'finding-changes', 'aria-label': 'Findings against last Monday' },
      [...s.newFindings, ...s.cleared, ...(s.still ? [s.still] : [])].map((line) => el('li', {}, line)),
    ),
  );
}

/** One diagnostic finding: its question, answer, evidence, suggested action and the metrics behind it. */
export function findingView(f: Finding): HTMLElement {
  const main = f.metricIds[0] ?? f.id;
  return el(
    'article',
    { class: `finding ${f.flag ? 'flagged' : 'clear'}`, 'data-finding': f.id },
    el('h3', {}, el('span', { class: 'flag' }, f.flag ? 'Flagged' : 'Clear'), ' ', f.question),
    el('p', { class: 'answer' }, f.answer),
    Object.keys(f.evidence).length
      ? el(
          'dl',
          { class: 'evidence' },
          Object.entries(f.evidence).map(([k, v]) => [
            el('dt', {}, k.replace(/_/g, ' ')),
            el('dd', {}, typeof v === 'number' ? metricLink(main, String(v)) : String(v ?? '—')),
          ]),
        )
      : null,
    f.action
      ? el('p', { class: 'action' }, el('strong', {}, `Next (owner: ${f.owner ?? 'unassigned'}): `), f.action)
      : null,
    el(
      'p',
      { class: 'metrics' },
      'Metrics: ',
      f.metricIds.map((id, i) => [i ? ', ' : '', metricLink(id, id)]),
    ),
  );
}

/** The Monday diagnostic: the window's findings, top workloads and coverage (GET /reports/weekly). */
export const weeklyPage: Page = {
  name: 'weekly',
  path: /^\/weekly$/,
  title: 'Weekly diagnostic',
  nav: 'Weekly',
  href: '/weekly',
  async render(ctx) {
    const week = pageParam('week');
    const params = apiParams({ week });
    const report = await get<WeeklyReport>('/reports/weekly', params, ctx.signal);
    // The page's tables are the report's, as the API gives each again (JSON or CSV) under `table=NAME`.
    const table = (name: Parameters<typeof weeklyTable>[1]) =>
      fromAnswer(weeklyTable(report, name), '/reports/weekly', params, name);
    const picker = el(
      'form',
      { class: 'week-picker', 'aria-label': 'Choose a week' },
      el('label', { for: 'week' }, 'Diagnostic for the four weeks ending with the week of '),
      el('input', { id: 'week', name: 'week', type: 'date', value: week ?? '' }),
      el('button', { type: 'submit' }, 'Show'),
    );
    picker.addEventListener('submit', (e) => {
      e.preventDefault();
      const value = (picker.elements.namedItem('week') as HTMLInputElement).value;
      const params = new URLSearchParams(location.search);
      if (value) params.set('week', value);
      else params.delete('week');
      navigate(`/weekly?${params.toString()}`);
    });
    append(
      ctx.main,
      pageHeader(
        `Weekly diagnostic — ${report.org}`,
        'The ten-minute Monday read: where the money went and what to ask.',
        report.window,
      ),
      picker,
      changesView(report),
      section('Findings', report.findings.map(findingView)),
      section(
        'Top workloads',
        metricTable(table('top_workloads'), { caption: 'Top workloads by spend', labelHeader: 'workload' }),
      ),
      section(
        'Spend by team',
        metricTable(table('by_team'), {
          caption: 'The whole bill by team (small teams folded as privacy requires)',
          labelHeader: 'team',
        }),
      ),
      section(
        'Coverage',
        metricTable(table('coverage'), { caption: 'Spend by attribution level', labelHeader: 'level' }),
      ),
    );
  },
};
