import { metric } from '../api.js';
import type { ChartOption } from '../charts.js';
import { append, el } from '../dom.js';
import { usd } from '../format.js';
import type { Page } from '../page.js';
import { farOutFence, quantileBreaks } from '../scales.js';
import { apiParams } from '../state.js';
import { metricTable, pageHeader, section } from '../views.js';

/** Colour classes for days with spend, light to dark (ColorBrewer's Blues, 6 classes). */
const BLUES = ['#c6dbef', '#9ecae1', '#6baed6', '#3182bd', '#08519c', '#08306b'];
/** A day far above the rest: the accent orange, apart from the blues. */
const SPIKE = '#d95f02';
/** A day without spend: grey, apart from the blues. */
const NO_SPEND = '#e8eaed';
/** The calendar's margins: month labels above, day names on the left. */
const TOP = 30;
const LEFT = 40;
const RIGHT = 16;
const BOTTOM = 8;

interface ColourClass {
  label: string;
  colour: string;
  piece: { value?: number; gt?: number; gte?: number; lt?: number };
}

/** "$18", "$2.4", "$0.05": a class edge as the legend writes it (edges have two significant digits). */
function edge(v: number): string {
  return `$${v.toLocaleString('en-US', { maximumFractionDigits: 4 })}`;
}

/**
 * Days with spend in six classes of about equal numbers of days (quantiles), days without spend apart, and
 * days far above the rest (above Tukey's far-out fence) in a colour of their own: on a linear scale one costly
 * day took the dark end and every other day looked the same pale blue; on quantiles alone it would hide among
 * the top sixth.
 */
function colourClasses(costs: number[]): ColourClass[] {
  const spent = costs.filter((c) => c > 0);
  const fence = farOutFence(spent);
  const spikes = spent.some((c) => c >= fence);
  const breaks = quantileBreaks(
    spent.filter((c) => !spikes || c < fence),
    BLUES.length,
  ).filter((b) => !spikes || b < fence);
  // Fewer distinct edges than classes (many equal days): use the darker end of the palette.
  const colours = BLUES.slice(BLUES.length - breaks.length - 1);
  const classes: ColourClass[] = [{ label: 'no spend', colour: NO_SPEND, piece: { value: 0 } }];
  const top = spikes ? fence : undefined;
  for (let i = 0; i <= breaks.length; i++) {
    const low = breaks[i - 1];
    const high = breaks[i] ?? top;
    classes.push({
      label:
        low === undefined
          ? `under ${edge(high ?? 0)}`
          : high === undefined
            ? `${edge(low)} or more`
            : `${edge(low)}–${edge(high)}`,
      colour: colours[i] ?? BLUES.at(-1) ?? '#08306b',
      piece: {
        ...(low === undefined ? { gt: 0 } : { gte: low }),
        ...(high === undefined ? {} : { lt: high }),
      },
    });
  }
  if (spikes)
    classes.push({
      label: `${edge(fence)} or more: far above the rest`,
      colour: SPIKE,
      piece: { gte: fence },
    });
  return classes;
}

function legend(classes: ColourClass[]): HTMLElement {
  return el(
    'ul',
    { class: 'legend', 'aria-label': 'Colour scale: spend per day' },
    classes.map((c) =>
      el(
        'li',
        { 'data-colour': c.colour, 'data-class': c.piece.value === 0 ? 'none' : 'spend' },
        el('span', { class: 'swatch', style: `background:${c.colour}`, 'aria-hidden': 'true' }),
        c.label,
      ),
    ),
  );
}

/** "Nov 2025" for the first month shown and for each January, "Dec" for the others. */
function monthLabel(first: string): (p: { nameMap: string; yyyy: string; MM: string }) => string {
  return (p) =>
    `${p.yyyy}-${p.MM}` === first.slice(0, 7) || p.MM === '01' ? `${p.nameMap} ${p.yyyy}` : p.nameMap;
}

/**
 * Up to a year of daily spend, one square per day (spend.calendar), and the most expensive days as text. The
 * calendar starts at the first day with spend (a store with three months of data does not draw nine empty
 * ones) and its squares grow to fill the page's width.
 */
export const calendarPage: Page = {
  name: 'calendar',
  path: /^\/calendar$/,
  title: 'Daily cost calendar',
  nav: 'Calendar',
  href: '/calendar',
  async render(ctx) {
    const { table } = await metric('spend.calendar', apiParams(), ctx.signal);
    const days = table.rows
      .map((r) => [r.key, Number(r.values.cost ?? 0)] as [string, number])
      .sort((a, b) => a[0].localeCompare(b[0]));
    const lastDay = days.at(-1)?.[0] ?? table.window.until;
    const firstDay = days.find(([, v]) => v > 0)?.[0] ?? days[0]?.[0] ?? table.window.since;
    const shown = days.filter(([d]) => d >= firstDay);
    const classes = colourClasses(shown.map(([, v]) => v));
    const weeks = Math.ceil(shown.length / 7) + 1;
    const width = Math.max(600, ctx.main.clientWidth - 40);
    const cell = Math.max(14, Math.min(28, Math.floor((width - LEFT - RIGHT) / weeks)));
    const top = [...table.rows]
      .filter((r) => Number(r.values.cost ?? 0) > 0)
      .sort((a, b) => Number(b.values.cost) - Number(a.values.cost));
    const option: ChartOption = {
      tooltip: {
        formatter: (p: unknown) => {
          const [day, cost] = (p as { value: [string, number] }).value;
          return `${day}: ${usd(cost)}`;
        },
      },
      visualMap: {
        type: 'piecewise',
        show: false,
        pieces: classes.map((c) => ({ ...c.piece, color: c.colour })),
      },
      calendar: {
        range: [firstDay, lastDay],
        cellSize: ['auto', cell],
        top: TOP,
        left: LEFT,
        right: RIGHT,
        bottom: BOTTOM,
        yearLabel: { show: false },
        monthLabel: { formatter: monthLabel(firstDay) },
        dayLabel: { firstDay: 1, nameMap: 'EN' },
        itemStyle: { color: 'transparent', borderWidth: 0 },
        splitLine: { lineStyle: { color: '#555', width: 1 } },
      },
      series: [
        {
          type: 'heatmap',
          coordinateSystem: 'calendar',
          data: shown,
          itemStyle: { borderColor: '#fff', borderWidth: 1 },
        },
      ],
    };
    const figure = ctx.chart(
      `Daily spend from ${firstDay} to ${lastDay}; each shade holds about as many days with spend as the next, so one costly day does not wash out the rest; the costliest days are in the table below`,
      option,
      TOP + 7 * cell + BOTTOM + 4,
    );
    figure.insertBefore(legend(classes), figure.querySelector('figcaption'));
    append(
      ctx.main,
      pageHeader(
        'Daily cost calendar',
        'Up to a year of AI spend, one square per day: darker is costlier.',
        table.window,
      ),
      section(
        'Spend per day',
        figure,
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
          metricTable(table, { caption: 'Spend per day', labelHeader: 'day', rows: top, notes: false }),
        ),
      ),
    );
  },
};
