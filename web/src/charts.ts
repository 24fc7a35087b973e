import { BarChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  CalendarComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { init, use, type ComposeOption, type EChartsType } from 'echarts/core';
import type {
  BarSeriesOption,
  HeatmapSeriesOption,
  LineSeriesOption,
  ScatterSeriesOption,
} from 'echarts/charts';
import type {
  CalendarComponentOption,
  GridComponentOption,
  LegendComponentOption,
  MarkAreaComponentOption,
  MarkLineComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { el } from './dom.js';

// Only the chart types and components the pages use: echarts/core keeps the bundle a fraction of the full one.
use([
  BarChart,
  HeatmapChart,
  LineChart,
  ScatterChart,
  CalendarComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
  SVGRenderer,
]);

export type ChartOption = ComposeOption<
  | BarSeriesOption
  | HeatmapSeriesOption
  | LineSeriesOption
  | ScatterSeriesOption
  | CalendarComponentOption
  | GridComponentOption
  | LegendComponentOption
  | MarkAreaComponentOption
  | MarkLineComponentOption
  | TooltipComponentOption
  | VisualMapComponentOption
>;

/** A palette with enough contrast against white for lines and bars (WCAG 3:1 for graphics). */
export const PALETTE = [
  '#1f5fa8',
  '#b3541e',
  '#2e7d32',
  '#7b1fa2',
  '#8d6e00',
  '#c2185b',
  '#00796b',
  '#5d4037',
];

const live = new Set<EChartsType>();

/** Charts of the page being left are disposed before the next page renders. */
export function disposeCharts(): void {
  for (const chart of live) chart.dispose();
  live.clear();
}

window.addEventListener('resize', () => {
  for (const chart of live) chart.resize();
});

/**
 * A chart in a figure with a caption. The drawing is an image to assistive technology (its numbers are in the
 * table beside it); resolves once ECharts reports the chart rendered, which the first-render timing uses.
 */
export function chartFigure(
  caption: string,
  option: ChartOption,
  height = 320,
): { figure: HTMLElement; rendered: Promise<void> } {
  const box = el('div', { class: 'chart', role: 'img', 'aria-label': caption, style: `height:${height}px` });
  const figure = el('figure', { class: 'chart-figure' }, box, el('figcaption', {}, caption));
  let resolveRendered: () => void = () => undefined;
  const rendered = new Promise<void>((resolve) => (resolveRendered = resolve));
  // The figure must be in the document (with a size) before ECharts measures it: mount on the next frame.
  requestAnimationFrame(() => {
    if (!box.isConnected) return resolveRendered();
    const chart = init(box, undefined, { renderer: 'svg' });
    live.add(chart);
    chart.on('finished', () => resolveRendered());
    chart.setOption({
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: 'system-ui, sans-serif', color: '#222' },
      ...option,
      // Tooltips drawn inside the SVG as text, never as HTML: labels from the org file stay inert.
      ...(option.tooltip && !Array.isArray(option.tooltip)
        ? { tooltip: { ...option.tooltip, renderMode: 'richText' } }
        : {}),
    });
  });
  return { figure, rendered };
}
