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
import type { LabelLayoutOptionCallbackParams } from 'echarts/types/dist/option';
import { LabelLayout } from 'echarts/features';
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
  LabelLayout,
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
      ...withPointLabelsInside(option, chart),
      // Tooltips drawn inside the SVG as text, never as HTML: labels from the org file stay inert.
      ...(option.tooltip && !Array.isArray(option.tooltip)
        ? { tooltip: { ...option.tooltip, renderMode: 'richText' } }
        : {}),
    });
  });
  return { figure, rendered };
}

/** Room between a point and its label, in pixels. */
const LABEL_GAP = 6;

/**
 * Names written beside points (scatter labels) never sit on one another and never run off the chart: a label
 * that would pass the right edge is written on the point's left instead (and the other way round), and a label
 * that still collides with one drawn before it is left out (its point keeps its name in the tooltip). Labels
 * are laid out in data order, so a page lists first the points it most wants named.
 */
function withPointLabelsInside(option: ChartOption, chart: EChartsType): Pick<ChartOption, 'series'> {
  if (!Array.isArray(option.series)) return {};
  return {
    series: option.series.map((series) => {
      if (series.type !== 'scatter' || !series.label?.show) return series;
      return {
        ...series,
        labelLayout: (p: LabelLayoutOptionCallbackParams) => {
          const width = chart.getWidth();
          if (p.labelRect.x + p.labelRect.width > width - 2)
            return { hideOverlap: true, x: p.rect.x - LABEL_GAP, align: 'right' };
          if (p.labelRect.x < 2)
            return { hideOverlap: true, x: p.rect.x + p.rect.width + LABEL_GAP, align: 'left' };
          return { hideOverlap: true };
        },
      };
    }),
  };
}

/** Room for the names down the left of a horizontal bar chart, in pixels (the grid's left edge). */
export const NAME_ROOM = 220;

/**
 * The names down the left of a horizontal bar chart: a name longer than the room is shortened with an
 * ellipsis (the tooltip and the table beside the chart carry it whole) instead of running off the chart.
 */
export function nameAxis(names: string[], room = NAME_ROOM) {
  return {
    type: 'category' as const,
    inverse: true,
    data: names,
    axisLabel: { width: room - 16, overflow: 'truncate' as const },
  };
}

/** An axis title under (or beside) the middle of its axis: at the end it sits on the last tick's label. */
export function axisTitle(name: string, gap = 28) {
  return { name, nameLocation: 'middle' as const, nameGap: gap };
}
