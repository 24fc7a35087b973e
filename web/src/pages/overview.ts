import { weeklyTable } from '../../../src/report/answer-tables.js';
import { fromAnswer, get, metric } from '../api.js';
import { append, el } from '../dom.js';
import { integer, percent, usd } from '../format.js';
import type { Page } from '../page.js';
import { apiParams, hrefWithFilters } from '../state.js';
import type { WeeklyReport } from '../types.js';
import { kpi, kpis, metricTable, pageHeader, section } from '../views.js';

export const overviewPage: Page = {
  name: 'overview',
  path: /^\/$/,
  title: 'Overview',
  nav: 'Overview',
  href: '/',
  async render(ctx) {
    const params = apiParams();
    const [report, growth] = await Promise.all([
      get<WeeklyReport>('/reports/weekly', params, ctx.signal),
      metric('trajectory.growth', apiParams(), ctx.signal),
    ]);
    const h = report.headline;
    const flagged = report.findings.filter((f) => f.flag).length;
    const weeks = report.weeks;
    const g = growth.table;
    append(
      ctx.main,
      pageHeader('Overview', 'Spend against delivery: what the AI bill bought.', report.window),
      kpis(
        kpi('spend', 'AI spend', usd(h.spend), 'spend.total'),
        kpi('merged-prs', 'Merged PRs', integer(h.mergedPrs), 'effectiveness.cost_per_merged_pr'),
        kpi('cost-per-pr', 'Cost per merged PR', usd(h.costPerMergedPr), 'effectiveness.cost_per_merged_pr'),
        kpi(
          'pr-by-session',
          'PR spend found by session',
          percent(h.prSpendBySession ?? null),
          'effectiveness.cost_per_merged_pr',
        ),
        kpi('points', 'Delivery points', integer(h.deliveryPoints), 'trajectory.spend_vs_delivery'),
        kpi('top5', 'Top 5 workloads’ share', percent(h.top5Share), 'concentration.top_n_share'),
        kpi('unpriced', 'Unpriced tokens', integer(h.unpricedTokens), 'data.unpriced_volume'),
      ),
      el(
        'p',
        { class: 'findings-summary' },
        el(
          'a',
          { href: hrefWithFilters('/weekly') },
          `${flagged} of ${report.findings.length} diagnostic findings flagged`,
        ),
        ' — read the weekly diagnostic.',
      ),
      section(
        'Spend against delivery, week by week',
        ctx.chart('Weekly spend (bars, USD) and delivery points (line)', {
          tooltip: { trigger: 'axis' },
          legend: { top: 0 },
          grid: { left: 70, right: 60, top: 40, bottom: 40 },
          xAxis: { type: 'category', data: weeks.map((w) => w.week) },
          yAxis: [
            { type: 'value', name: 'USD' },
            { type: 'value', name: 'points', splitLine: { show: false } },
          ],
          series: [
            { name: 'spend (USD)', type: 'bar', data: weeks.map((w) => Number(w.cost)) },
            { name: 'delivery points', type: 'line', yAxisIndex: 1, data: weeks.map((w) => w.points) },
          ],
        }),
        el(
          'details',
          {},
          el('summary', {}, 'Weekly figures'),
          metricTable(fromAnswer(weeklyTable(report, 'weeks'), '/reports/weekly', params, 'weeks'), {
            caption: 'Spend and delivery by week',
            labelHeader: 'week (Monday)',
          }),
        ),
      ),
      section(
        'Trajectory: is spend growing faster than delivery?',
        ctx.chart(
          'Spend growth against delivery growth by horizon (multiples)',
          {
            tooltip: { trigger: 'axis' },
            legend: { top: 0 },
            grid: { left: 60, right: 20, top: 40, bottom: 40 },
            xAxis: { type: 'category', data: g.rows.map((r) => r.key) },
            yAxis: { type: 'value', name: 'multiple' },
            series: [
              {
                name: 'spend growth',
                type: 'bar',
                data: g.rows.map((r) => r.values.spend_growth as number | null),
              },
              {
                name: 'delivery growth',
                type: 'bar',
                data: g.rows.map((r) => r.values.delivery_growth as number | null),
              },
            ],
          },
          260,
        ),
        metricTable(g, {
          caption: 'Growth by horizon',
          labelHeader: 'horizon',
          columns: [
            'spend_growth',
            'delivery_growth',
            'spend_before',
            'spend_after',
            'points_before',
            'points_after',
          ],
        }),
      ),
    );
  },
};
