import { get } from '../api.js';
import type { RunDetail } from '../audit-types.js';
import { costQualityChart, failuresView, requirementsTable, verdictTable } from '../audit-views.js';
import { append, el } from '../dom.js';
import { amount, integer } from '../format.js';
import type { Page, PageContext } from '../page.js';
import { hrefWithFilters } from '../state.js';
import { pageHeader, section } from '../views.js';

/** One run's verdicts, chart, statistics and failing cases: on its own page and under its workflow on /audits. */
export function runSections(ctx: PageContext, d: RunDetail): HTMLElement {
  const chart = costQualityChart(d);
  const r = d.run;
  return el(
    'div',
    { class: 'audit-run', 'data-run': r.id },
    el(
      'p',
      { class: 'run-meta' },
      `Run ${r.id}, finished ${r.finishedAt.slice(0, 10)}, scored against bar v${r.barVersion}: ${integer(r.cases)} cases`,
      r.trials > 1 ? ` × ${r.trials} trials` : '',
      `; the audit itself cost ${amount(r.auditCost)}`,
      r.unpricedAnswers > 0 ? ` plus ${integer(r.unpricedAnswers)} unpriced answers` : '',
      r.unanswered > 0 ? `; ${integer(r.unanswered)} cases lack an answer from some model` : '',
      '.',
    ),
    verdictTable(d),
    ctx.chart(chart.caption, chart.option, 340),
    requirementsTable(d),
    el('h3', {}, 'Failing cases'),
    failuresView(d),
  );
}

/** One stored audit run (/audits/ID). */
export const auditRunPage: Page = {
  name: 'audit-run',
  path: /^\/audits\/([^/]+)$/,
  title: 'Audit run',
  async render(ctx) {
    const id = ctx.params[0] ?? '';
    const d = await get<RunDetail>(`/audits/${encodeURIComponent(id)}`, new URLSearchParams(), ctx.signal);
    append(
      ctx.main,
      pageHeader(
        `${d.run.workflowLabel}: audit ${d.run.id}`,
        'Is a cheaper model good enough for this workload? The verdict on each candidate against the written bar.',
      ),
      el('p', {}, el('a', { href: hrefWithFilters('/audits') }, '← All audits')),
      section('Verdicts', runSections(ctx, d)),
    );
  },
};
