import { metric } from '../api.js';
import { append } from '../dom.js';
import type { Page } from '../page.js';
import { apiParams } from '../state.js';
import { metricTable, pageHeader, section } from '../views.js';

/** Model mix over time: each model's share of the week's spend (spend.model_mix). */
export const modelsPage: Page = {
  name: 'models',
  path: /^\/models$/,
  title: 'Model mix',
  nav: 'Models',
  href: '/models',
  async render(ctx) {
    const { table } = await metric('spend.model_mix', apiParams(), ctx.signal);
    const weeks = [...new Set(table.rows.map((r) => String(r.values.week)))].sort();
    const models = [...new Set(table.rows.map((r) => r.label))];
    const share = new Map(table.rows.map((r) => [`${String(r.values.week)}|${r.label}`, r.values.share]));
    append(
      ctx.main,
      pageHeader('Model mix over time', 'Which models the money goes to, week by week.', table.window),
      section(
        'Share of each week’s spend by model',
        ctx.chart('Share of weekly spend by model (stacked to 100%)', {
          tooltip: { trigger: 'axis' },
          legend: { top: 0, type: 'scroll' },
          grid: { left: 60, right: 20, top: 50, bottom: 40 },
          xAxis: { type: 'category', data: weeks },
          yAxis: {
            type: 'value',
            max: 1,
            axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` },
          },
          series: models.map((m) => ({
            name: m,
            type: 'bar' as const,
            stack: 'share',
            data: weeks.map((w) => (share.get(`${w}|${m}`) as number | undefined) ?? 0),
          })),
        }),
        metricTable(table, {
          caption: 'Spend and share by week and model',
          labelHeader: 'model',
          columns: ['week', 'cost', 'share', 'token_share'],
        }),
      ),
    );
  },
};
