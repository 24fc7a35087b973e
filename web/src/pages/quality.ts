import { get, metric } from '../api.js';
import { percent, points, usd } from '../format.js';
import { append } from '../dom.js';
import type { Page } from '../page.js';
import { apiParams } from '../state.js';
import type { WeeklyReport } from '../types.js';
import { kpi, kpis, metricTable, pageHeader, section } from '../views.js';

/** The quality tax: rework among merged PRs and the spend it took (quality.rework_tax, quality.rework_share). */
export const qualityPage: Page = {
  name: 'quality',
  path: /^\/quality$/,
  title: 'Quality tax',
  nav: 'Quality',
  href: '/quality',
  async render(ctx) {
    const [all, byTeam, report] = await Promise.all([
      metric('quality.rework_tax', apiParams(), ctx.signal),
      metric('quality.rework_tax', apiParams({ by: 'team' }), ctx.signal),
      get<WeeklyReport>('/reports/weekly', apiParams(), ctx.signal),
    ]);
    const v = all.table.rows[0]?.values ?? {};
    const weeks = report.weeks;
    append(
      ctx.main,
      pageHeader('Quality tax', 'How much of what merged was rework, and what it cost.', all.table.window),
      kpis(
        kpi('rework-prs', 'Rework share of merged PRs', percent(v.pr_share ?? null), 'quality.rework_tax'),
        kpi('rework-spend', 'Spend on rework', usd(v.rework_spend ?? null), 'quality.rework_tax'),
        kpi('rework-spend-share', 'Share of PR spend', percent(v.spend_share ?? null), 'quality.rework_tax'),
        kpi(
          'rework-change',
          'Change against the window before',
          points(v.change ?? null),
          'quality.rework_tax',
        ),
      ),
      section(
        'Rework week by week',
        ctx.chart(
          'Merged PRs and rework PRs per week',
          {
            tooltip: { trigger: 'axis' },
            legend: { top: 0 },
            grid: { left: 60, right: 20, top: 40, bottom: 40 },
            xAxis: { type: 'category', data: weeks.map((w) => w.week) },
            yAxis: { type: 'value', name: 'PRs' },
            series: [
              { name: 'merged PRs', type: 'bar', data: weeks.map((w) => w.prs) },
              { name: 'rework PRs', type: 'bar', data: weeks.map((w) => w.reworkPrs) },
            ],
          },
          280,
        ),
        metricTable(all.table, { caption: 'Rework over the window', labelHeader: '' }),
        metricTable(byTeam.table, { caption: 'Rework by team', labelHeader: 'team' }),
      ),
    );
  },
};
