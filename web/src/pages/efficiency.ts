import { metric } from '../api.js';
import type { LineSeriesOption } from 'echarts/charts';
import { axisTitle, nameAxis, NAME_ROOM, type ChartOption } from '../charts.js';
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
          `Tokens per dollar of the ${keys.length} costliest keys (log scale), with each workload type’s expected band shaded (named in the legend)`,
          keyChart(keys, banded),
          Math.max(220, keys.length * 24 + 100),
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

/** Band colours: distinct hues, drawn translucent so that nested bands stay readable. */
const BAND_COLOURS = ['#2e7d32', '#8d6e00', '#7b1fa2', '#00796b', '#c2185b', '#5d4037'];

/** The log axis starts at the power of ten below the smallest value drawn, not at 1. */
function decadeBelow(values: number[]): number {
  const positive = values.filter((v) => v > 0);
  return positive.length ? 10 ** Math.floor(Math.log10(Math.min(...positive))) : 1;
}

/**
 * Each band is a series of its own (no points, one shaded range) so that the legend names it: names written
 * inside the bands overlapped whenever two bands did, and ran under the bars.
 */
function keyChart(keys: MetricRow[], bands: MetricRow[]): ChartOption {
  const values = keys.map((r) => r.values.tokens_per_dollar as number);
  const edges = bands.flatMap((b) => [b.values.band_low as number, b.values.band_high as number]);
  return {
    tooltip: { trigger: 'axis' },
    // Bands shown as squares in the legend, like the shaded ranges they name.
    legend: {
      top: 0,
      data: ['tokens per $', ...bands.map((b) => ({ name: `${b.label} band`, icon: 'rect' }))],
    },
    grid: { left: NAME_ROOM, right: 30, top: 40, bottom: 50 },
    xAxis: { type: 'log', min: decadeBelow([...values, ...edges]), ...axisTitle('tokens per $ (log scale)') },
    yAxis: nameAxis(keys.map((r) => r.label)),
    series: [
      {
        name: 'tokens per $',
        type: 'bar',
        z: 3,
        data: keys.map((r, i) => ({
          value: values[i] ?? null,
          itemStyle: { color: belowOwnBand(r, bands) ? '#b3541e' : '#1f5fa8' },
        })),
      },
      // A line series without points takes no bar slot, so the keys' bars keep their full height.
      ...bands.map((b, i): LineSeriesOption => {
        const colour = BAND_COLOURS[i % BAND_COLOURS.length] ?? '#2e7d32';
        return {
          name: `${b.label} band`,
          type: 'line',
          data: [],
          itemStyle: { color: colour, opacity: 0.35 },
          markArea: {
            silent: true,
            label: { show: false },
            itemStyle: { color: colour, opacity: 0.14, borderColor: colour, borderWidth: 1 },
            data: [[{ xAxis: b.values.band_low as number }, { xAxis: b.values.band_high as number }]],
          },
        };
      }),
    ],
  };
}
