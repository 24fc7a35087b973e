import { metric } from '../api.js';
import { axisTitle, nameAxis, NAME_ROOM } from '../charts.js';
import { integer, percent } from '../format.js';
import { append } from '../dom.js';
import type { Page } from '../page.js';
import { apiParams } from '../state.js';
import { kpi, kpis, metricTable, pageHeader, section } from '../views.js';

const TOP = 15;

/** Top keys by spend and how concentrated spend is (concentration.keys_for_spend, top4_shift). */
export const keysPage: Page = {
  name: 'keys',
  path: /^\/keys$/,
  title: 'Top keys and concentration',
  nav: 'Keys',
  href: '/keys',
  async render(ctx) {
    const [byKey, keysFor, shift] = await Promise.all([
      metric('spend.total', apiParams({ by: 'key' }), ctx.signal),
      metric('concentration.keys_for_spend', apiParams(), ctx.signal),
      metric('concentration.top4_shift', apiParams(), ctx.signal),
    ]);
    const k = keysFor.table.rows[0]?.values ?? {};
    const top = byKey.table.rows.slice(0, TOP);
    append(
      ctx.main,
      pageHeader(
        'Top keys and concentration',
        'Which API keys carry the spend, and how few of them.',
        byKey.table.window,
      ),
      kpis(
        kpi(
          'keys-for-50',
          'Keys for half the key spend',
          integer(k.keys_for_50 ?? null),
          'concentration.keys_for_spend',
        ),
        kpi(
          'keys-for-80',
          'Keys for 80% of it',
          integer(k.keys_for_80 ?? null),
          'concentration.keys_for_spend',
        ),
        kpi('keys', 'Keys with spend', integer(k.keys ?? null), 'concentration.keys_for_spend'),
        kpi(
          'key-share',
          'Share of all spend on keys',
          percent(k.key_share ?? null),
          'concentration.keys_for_spend',
        ),
      ),
      section(
        `Top ${TOP} keys by spend`,
        ctx.chart(
          `Spend of the ${Math.min(TOP, top.length)} costliest keys (USD)`,
          {
            tooltip: { trigger: 'axis' },
            grid: { left: NAME_ROOM, right: 30, top: 10, bottom: 50 },
            xAxis: { type: 'value', ...axisTitle('USD') },
            yAxis: nameAxis(top.map((r) => r.label)),
            series: [{ name: 'spend', type: 'bar', data: top.map((r) => Number(r.values.cost)) }],
          },
          Math.max(180, top.length * 24 + 70),
        ),
        metricTable(byKey.table, {
          caption: 'Spend by key',
          labelHeader: 'key',
          columns: ['cost', 'share', 'tokens_per_dollar'],
          limit: TOP,
        }),
      ),
      section(
        'Concentration week by week',
        ctx.chart(
          'Share of each week’s spend taken by its top four workloads',
          {
            tooltip: { trigger: 'axis' },
            grid: { left: 60, right: 20, top: 20, bottom: 40 },
            xAxis: { type: 'category', data: shift.table.rows.map((r) => r.key) },
            yAxis: {
              type: 'value',
              max: 1,
              axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` },
            },
            series: [
              {
                name: 'top-4 share',
                type: 'line',
                data: shift.table.rows.map((r) => r.values.top4_share as number),
              },
            ],
          },
          240,
        ),
        metricTable(shift.table, { caption: 'Top-four share by week', labelHeader: 'week (Monday)' }),
        metricTable(keysFor.table, { caption: 'Keys needed for half and 80% of key spend', labelHeader: '' }),
      ),
    );
  },
};
