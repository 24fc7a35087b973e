import { me, metric } from '../api.js';
import { append, el } from '../dom.js';
import type { Page } from '../page.js';
import { apiParams, hrefWithFilters, pageParam } from '../state.js';
import { metricTable, pageHeader, section } from '../views.js';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** The efficiency quadrant: delivery per week against delivery per dollar (quadrant.delivery_efficiency). */
export const quadrantPage: Page = {
  name: 'quadrant',
  path: /^\/quadrant$/,
  title: 'Efficiency quadrant',
  nav: 'Quadrant',
  href: '/quadrant',
  async render(ctx) {
    const by = pageParam('by') === 'person' ? 'person' : 'team';
    const [{ table }, who] = await Promise.all([
      metric('quadrant.delivery_efficiency', apiParams({ by }), ctx.signal),
      me(),
    ]);
    const rows = table.rows.filter(
      (r) => typeof r.values.points_per_dollar === 'number' && typeof r.values.points_per_week === 'number',
    );
    const x = rows.map((r) => r.values.points_per_dollar as number);
    const y = rows.map((r) => r.values.points_per_week as number);
    const groupings = el(
      'p',
      { class: 'toggle' },
      'Group by: ',
      el(
        'a',
        { href: hrefWithFilters('/quadrant', { by: 'team' }), 'aria-current': by === 'team' ? 'true' : null },
        'team',
      ),
      who.privacy.individuals === 'hidden'
        ? null
        : [
            ' · ',
            el(
              'a',
              {
                href: hrefWithFilters('/quadrant', { by: 'person' }),
                'aria-current': by === 'person' ? 'true' : null,
              },
              'person',
            ),
          ],
    );
    append(
      ctx.main,
      pageHeader(
        'Efficiency quadrant',
        'Delivery per week against delivery per dollar: a starting point for a conversation, not a grade.',
        table.window,
      ),
      groupings,
      section(
        `Groups by ${table.by ?? by}`,
        ctx.chart(
          'Points per dollar (across) against points per week (up); the lines are the medians of the groups shown',
          {
            tooltip: { trigger: 'item', formatter: '{b}' },
            grid: { left: 70, right: 40, top: 30, bottom: 50 },
            xAxis: { type: 'value', name: 'points per $', nameLocation: 'middle', nameGap: 30, scale: true },
            yAxis: { type: 'value', name: 'points per week', scale: true },
            series: [
              {
                type: 'scatter',
                symbolSize: 14,
                data: rows.map((r, i) => ({ name: r.label, value: [x[i] ?? 0, y[i] ?? 0] })),
                label: { show: true, position: 'right', formatter: '{b}', color: '#222' },
                markLine: rows.length
                  ? {
                      silent: true,
                      symbol: 'none',
                      label: { show: false },
                      lineStyle: { color: '#666', type: 'dashed' },
                      data: [{ xAxis: median(x) }, { yAxis: median(y) }],
                    }
                  : undefined,
              },
            ],
          },
          380,
        ),
        metricTable(table, { caption: 'Delivery and efficiency by group', labelHeader: table.by ?? by }),
      ),
    );
  },
};
