import { metric } from '../api.js';
import type { ChartOption } from '../charts.js';
import { append, el } from '../dom.js';
import type { Page } from '../page.js';
import { apiParams } from '../state.js';
import type { MetricRow } from '../types.js';
import { metricTable, pageHeader, section } from '../views.js';

const TOP = 20;

/**
 * Tokens per dollar by key against the expected band of its workload type. When the API names a key's type
 * (a `workload_type` value) the key is drawn against that band only; otherwise every type's band is shown
 * as a shaded range to read the keys against.
 */
export const efficiencyPage: Page = {
  name: 'efficiency',
  path: /^\/efficiency$/,
  title: 'Tokens per dollar',
  nav: 'Efficiency',
  href: '/efficiency',
  async render(ctx) {
    const [byKey, bands] = await Promise.all([
      metric('efficiency.tokens_per_dollar', apiParams({ by: 'key' }), ctx.signal),
      metric('efficiency.expected_band', apiParams(), ctx.signal),
    ]);
    const keys = byKey.table.rows.filter((r) => typeof r.values.tokens_per_dollar === 'number').slice(0, TOP);
    const banded = bands.table.rows.filter((b) => b.values.band_low !== null && b.values.band_high !== null);
    append(
      ctx.main,
      pageHeader(
        'Tokens per dollar by key',
        'Is each dollar buying as many tokens as it should? Each key against the band of its kind of work.',
        byKey.table.window,
      ),
      section(
        'Keys against the expected bands',
        ctx.chart(
          `Tokens per dollar of the ${keys.length} costliest keys (log scale), with each workload type’s expected band shaded`,
          keyChart(keys, banded),
          Math.max(200, keys.length * 24 + 60),
        ),
        metricTable(byKey.table, {
          caption: 'Tokens per dollar by key',
          labelHeader: 'key',
          columns: ['workload_type', 'tokens_per_dollar', 'cost', 'cache_read_share'],
          limit: TOP,
        }),
      ),
      section(
        'Expected bands by workload type',
        el(
          'p',
          {},
          'The band is the one configured for the type in mileage.yaml, else the middle half (Q1–Q3) of the weekly tokens per dollar of the type’s workloads across the org; each workload is judged against the others of its type, and a type alone says it has no peers.',
        ),
        metricTable(bands.table, {
          caption: 'Expected band of tokens per dollar',
          labelHeader: 'workload type',
        }),
      ),
    );
  },
};

/** Below the low edge of its own type's band: only decidable when the key's type is known. */
function belowOwnBand(key: MetricRow, bands: MetricRow[]): boolean {
  const band = bands.find((b) => b.key === key.values.workload_type);
  return band !== undefined && (key.values.tokens_per_dollar as number) < (band.values.band_low as number);
}

function keyChart(keys: MetricRow[], bands: MetricRow[]): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 220, right: 30, top: 30, bottom: 30 },
    xAxis: { type: 'log', name: 'tokens per $' },
    yAxis: { type: 'category', inverse: true, data: keys.map((r) => r.label) },
    series: [
      {
        name: 'tokens per $',
        type: 'bar',
        data: keys.map((r) => ({
          value: r.values.tokens_per_dollar as number,
          itemStyle: { color: belowOwnBand(r, bands) ? '#b3541e' : '#1f5fa8' },
        })),
        markArea: {
          silent: true,
          itemStyle: { color: 'rgba(46,125,50,0.12)', borderColor: '#2e7d32', borderWidth: 1 },
          label: { position: 'insideTop', color: '#1b5e20' },
          data: bands.map((b) => [
            { name: b.label, xAxis: b.values.band_low as number },
            { xAxis: b.values.band_high as number },
          ]),
        },
      },
    ],
  };
}
