import { get, metric } from '../api.js';
import { percent, points, usd } from '../format.js';
import { append } from '../dom.js';
import type { Page } from '../page.js';
import { apiParams } from '../state.js';
import type { WeeklyReport } from '../types.js';
import { kpi, kpis, metricTable, pageHeader, section } from '../views.js';

/**
 * The quality tax (rework PRs ÷ merged PRs, quality.rework_tax) with its change against the window before and
 * its trend as the weekly diagnostic states it (quality.rework_share), then what rework cost: the rework spend
 * and the rework spend share, a figure of dollars shown under its own name, never as the tax.
 */
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
    const trend = report.findings.find((f) => f.id === 'quality.rework_share');
    append(
      ctx.main,
      pageHeader('Quality tax', 'How much of what merged was rework, and what it cost.', all.table.window),
      kpis(
        kpi(
          'rework-prs',
          'Quality tax (rework share of merged PRs)',
          percent(v.pr_share ?? null),
          'quality.rework_tax',
        ),
        kpi(
          'rework-change',
          'Quality tax change against the window before',
          points(v.pr_share_change ?? null),
          'quality.rework_tax',
        ),
        kpi(
          'rework-trend',
          'Quality tax, first → last 4 weeks of the period',
          trend
            ? `${String(trend.evidence.rework_share_first_4w ?? '—')} → ${String(trend.evidence.rework_share_last_4w ?? '—')}`
            : '—',
          'quality.rework_share',
        ),
        kpi('rework-spend', 'Spend on rework PRs', usd(v.rework_spend ?? null), 'quality.rework_tax'),
        kpi(
          'rework-spend-share',
          'Rework spend share (of PR spend)',
          percent(v.spend_share ?? null),
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
