import { metric } from '../api.js';
import { append, el } from '../dom.js';
import type { Page } from '../page.js';
import { apiParams } from '../state.js';
import { metricTable, pageHeader, section } from '../views.js';

/** A year of daily spend, one square per day (spend.calendar), and the most expensive days as text. */
export const calendarPage: Page = {
  name: 'calendar',
  path: /^\/calendar$/,
  title: 'Daily cost calendar',
  nav: 'Calendar',
  href: '/calendar',
  async render(ctx) {
    const { table } = await metric('spend.calendar', apiParams(), ctx.signal);
    const days = table.rows.map((r) => [r.key, Number(r.values.cost ?? 0)] as [string, number]);
    const highest = days.reduce((m, [, v]) => Math.max(m, v), 0);
    const lastDay = days.at(-1)?.[0] ?? table.window.until;
    const firstDay = days[0]?.[0] ?? table.window.since;
    const top = [...table.rows]
      .filter((r) => Number(r.values.cost ?? 0) > 0)
      .sort((a, b) => Number(b.values.cost) - Number(a.values.cost));
    append(
      ctx.main,
      pageHeader(
        'Daily cost calendar',
        'A year of AI spend, one square per day: darker is costlier.',
        table.window,
      ),
      section(
        'Spend per day',
        ctx.chart(
          `Daily spend from ${firstDay} to ${lastDay}; the costliest day is in the table below`,
          {
            tooltip: { formatter: '{c}' },
            visualMap: {
              min: 0,
              max: highest || 1,
              calculable: false,
              orient: 'horizontal',
              left: 'center',
              bottom: 0,
              text: ['more', 'less'],
              inRange: { color: ['#f4f6fb', '#9fb9df', '#1f5fa8', '#0b2a55'] },
            },
            calendar: {
              range: [firstDay, lastDay],
              cellSize: ['auto', 14],
              top: 30,
              left: 40,
              right: 20,
              yearLabel: { show: true },
              dayLabel: { firstDay: 1, nameMap: 'EN' },
              itemStyle: { borderColor: '#fff', borderWidth: 1 },
            },
            series: [{ type: 'heatmap', coordinateSystem: 'calendar', data: days }],
          },
          200,
        ),
        metricTable(table, {
          caption: 'The ten costliest days',
          labelHeader: 'day',
          rows: top,
          limit: 10,
        }),
        el(
          'details',
          {},
          el('summary', {}, 'Every day with spend'),
          metricTable({ ...table, notes: [] }, { caption: 'Spend per day', labelHeader: 'day', rows: top }),
        ),
      ),
    );
  },
};
