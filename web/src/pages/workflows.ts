import { metric } from '../api.js';
import { axisTitle, nameAxis } from '../charts.js';
import { append } from '../dom.js';
import type { Page } from '../page.js';
import { apiParams } from '../state.js';
import { metricTable, num, pageHeader, section } from '../views.js';

const NAMES = 160;

/**
 * Workflows: what each bot or pipeline cost per outcome it produced. The table is the catalog metric's answer
 * (effectiveness.cost_per_workflow_outcome) as the server lays it out, so it downloads as CSV like the others.
 */
export const workflowsPage: Page = {
  name: 'workflows',
  path: /^\/workflows$/,
  title: 'Workflows',
  nav: 'Workflows',
  href: '/workflows',
  async render(ctx) {
    const { table } = await metric('effectiveness.cost_per_workflow_outcome', apiParams(), ctx.signal);
    // Money arrives as exact decimal text: read as a number only to draw the bar; unpriced draws none.
    const ratio = (v: unknown) => (Number.isFinite(num(v)) ? num(v) : null);
    append(
      ctx.main,
      pageHeader('Workflows', 'What each workflow’s AI spend buys: cost per outcome.', table.window),
      section(
        'Cost per outcome',
        ctx.chart(
          'Cost per outcome by workflow (USD); a workflow without a priced ratio has no bar',
          {
            tooltip: { trigger: 'axis' },
            grid: { left: NAMES, right: 40, top: 10, bottom: 50 },
            xAxis: { type: 'value', ...axisTitle('USD per outcome') },
            yAxis: nameAxis(
              table.rows.map((r) => r.label),
              NAMES,
            ),
            series: [
              {
                name: 'cost per outcome',
                type: 'bar',
                data: table.rows.map((r) => ratio(r.values.cost_per_outcome)),
              },
            ],
          },
          Math.max(180, table.rows.length * 30 + 60),
        ),
        metricTable(table, { caption: 'Spend and outcomes by workflow', labelHeader: 'workflow' }),
      ),
    );
  },
};
