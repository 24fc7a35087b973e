import { get } from '../api.js';
import { axisTitle, nameAxis } from '../charts.js';
import { append } from '../dom.js';
import type { Page } from '../page.js';
import { apiParams } from '../state.js';
import type { MetricTable, Window, WorkflowRow } from '../types.js';
import { metricTable, pageHeader, section } from '../views.js';

/** Workflows: what each bot or pipeline cost per outcome it produced (GET /workflows). */
export const workflowsPage: Page = {
  name: 'workflows',
  path: /^\/workflows$/,
  title: 'Workflows',
  nav: 'Workflows',
  href: '/workflows',
  async render(ctx) {
    const answer = await get<{ window: Window; rows: WorkflowRow[]; notes: string[] }>(
      '/workflows',
      apiParams(),
      ctx.signal,
    );
    const table: MetricTable = {
      metric: 'effectiveness.cost_per_workflow_outcome',
      window: answer.window,
      by: 'workflow',
      columns: [
        { id: 'cost_per_outcome', label: 'cost per outcome', unit: 'USD' },
        { id: 'outcome_kind', label: 'outcome', unit: 'kind' },
        { id: 'spend', label: 'spend', unit: 'USD' },
        { id: 'outcomes', label: 'outcomes', unit: 'count' },
      ],
      rows: answer.rows.map((r) => ({
        key: r.workflow,
        label: r.label,
        values: {
          cost_per_outcome: r.costPerOutcome,
          outcome_kind: r.outcomeKind,
          spend: r.spend,
          outcomes: r.outcomes,
        },
      })),
      notes: answer.notes,
    };
    append(
      ctx.main,
      pageHeader('Workflows', 'What each workflow’s AI spend buys: cost per outcome.', answer.window),
      section(
        'Cost per outcome',
        ctx.chart(
          'Cost per outcome by workflow (USD); a workflow without a priced ratio has no bar',
          {
            tooltip: { trigger: 'axis' },
            grid: { left: 160, right: 40, top: 10, bottom: 50 },
            xAxis: { type: 'value', ...axisTitle('USD per outcome') },
            yAxis: nameAxis(
              answer.rows.map((r) => r.label),
              160,
            ),
            series: [
              { name: 'cost per outcome', type: 'bar', data: answer.rows.map((r) => r.costPerOutcome) },
            ],
          },
          Math.max(180, answer.rows.length * 30 + 60),
        ),
        metricTable(table, { caption: 'Spend and outcomes by workflow', labelHeader: 'workflow' }),
      ),
    );
  },
};
