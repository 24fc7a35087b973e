import { get } from '../api.js';
import { metricLink } from '../definitions.js';
import { append, el } from '../dom.js';
import { percent, usd } from '../format.js';
import type { Page } from '../page.js';
import { apiParams, navigate, pageParam } from '../state.js';
import type { Finding, WeeklyReport } from '../types.js';
import { metricTable, pageHeader, section } from '../views.js';

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
    const report = await get<WeeklyReport>('/reports/weekly', apiParams({ week }), ctx.signal);
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
      section('Findings', report.findings.map(findingView)),
      section(
        'Top workloads',
        metricTable(
          {
            metric: 'spend.by_workload',
            window: report.window,
            by: 'workload',
            columns: [
              { id: 'kind', label: 'kind', unit: 'kind' },
              { id: 'model', label: 'main model', unit: 'label' },
              { id: 'cost', label: 'spend', unit: 'USD' },
              { id: 'share', label: 'share', unit: 'share' },
              { id: 'change', label: 'share change', unit: 'share points' },
              { id: 'tpd', label: 'tokens per $', unit: 'tokens per USD' },
            ],
            rows: report.topWorkloads.map((w, i) => ({
              key: String(i),
              label: w.label,
              values: {
                kind: w.kind,
                model: w.model,
                cost: w.cost,
                share: w.share,
                change: w.shareChange,
                tpd: w.tokensPerDollar,
              },
            })),
            notes: [],
          },
          { caption: 'Top workloads by spend', labelHeader: 'workload' },
        ),
      ),
      section(
        'Coverage',
        el(
          'ul',
          { class: 'coverage' },
          report.coverage.map((c) =>
            el(
              'li',
              {},
              `${c.level}: `,
              metricLink('coverage.attributed_share', usd(c.cost)),
              ' (',
              metricLink('coverage.attributed_share', percent(c.share)),
              ')',
            ),
          ),
        ),
      ),
    );
  },
};
