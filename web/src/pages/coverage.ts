import { metric } from '../api.js';
import { nameAxis, NAME_ROOM } from '../charts.js';
import { append } from '../dom.js';
import type { Page } from '../page.js';
import { apiParams } from '../state.js';
import { metricTable, pageHeader, section } from '../views.js';

/** Coverage: how much of the spend is attributed, and by which evidence (coverage.evidence_levels). */
export const coveragePage: Page = {
  name: 'coverage',
  path: /^\/coverage$/,
  title: 'Coverage',
  nav: 'Coverage',
  href: '/coverage',
  async render(ctx) {
    const { table } = await metric('coverage.evidence_levels', apiParams(), ctx.signal);
    append(
      ctx.main,
      pageHeader(
        'Coverage',
        'How much of the spend is attributed to teams, people, workflows and PRs, and by what evidence.',
        table.window,
      ),
      section(
        'Share of spend by attribution level',
        ctx.chart(
          'Share of spend at each attribution level',
          {
            tooltip: { trigger: 'axis' },
            grid: { left: NAME_ROOM, right: 40, top: 10, bottom: 30 },
            xAxis: {
              type: 'value',
              max: 1,
              axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` },
            },
            yAxis: nameAxis(table.rows.map((r) => r.label)),
            series: [
              { name: 'share', type: 'bar', data: table.rows.map((r) => r.values.share as number | null) },
            ],
          },
          Math.max(180, table.rows.length * 28 + 40),
        ),
        metricTable(table, { caption: 'Spend by attribution level', labelHeader: 'level' }),
      ),
    );
  },
};
