import { me, metric } from '../api.js';
import { axisTitle } from '../charts.js';
import { append, el } from '../dom.js';
import { decimal } from '../format.js';
import type { Page } from '../page.js';
import { apiParams, hrefWithFilters, pageParam } from '../state.js';
import type { MetricRow } from '../types.js';
import { metricTable, pageHeader, section } from '../views.js';
import { median, spreadFromCentre } from '../scales.js';

/** With this many points or fewer every point is named; beyond, only those far from the medians. */
const NAME_ALL_UP_TO = 6;
/** A point at least this far from the medians (in interquartile ranges, both axes together) is named. */
const NAMED_SPREAD = 1;

interface Point {
  name: string;
  x: number;
  y: number;
  spread: number;
}

/**
 * The points, farthest from the medians first, each marked named or not: in a dense cluster names would write
 * over one another, so the outliers (the points a reader asks about) are named and the rest show their name
 * on hover. Drawn in this order, a name that would still collide yields to the one drawn before it.
 */
function pointsToDraw(rows: MetricRow[]): (Point & { named: boolean })[] {
  const xy = rows.map(
    (r) => [r.values.points_per_dollar as number, r.values.points_per_week as number] as const,
  );
  const spread = spreadFromCentre(xy);
  return rows
    .map((r, i) => ({ name: r.label, x: xy[i]?.[0] ?? 0, y: xy[i]?.[1] ?? 0, spread: spread[i] ?? 0 }))
    .sort((a, b) => b.spread - a.spread)
    .map((p) => ({ ...p, named: rows.length <= NAME_ALL_UP_TO || p.spread >= NAMED_SPREAD }));
}

/** The efficiency quadrant: delivery per week against delivery per dollar (quadrant.delivery_efficiency). */
export const quadrantPage: Page = {
  name: 'quadrant',
  path: /^\/quadrant$/,
  title: 'Efficiency quadrant',
  nav: 'Quadrant',
  href: '/quadrant',
  async render(ctx) {
    const by = pageParam('by') === 'person' ? 'person' : 'team';
    const [{ table }, who] = await Promise.all([
      metric('quadrant.delivery_efficiency', apiParams({ by }), ctx.signal),
      me(),
    ]);
    const rows = table.rows.filter(
      (r) => typeof r.values.points_per_dollar === 'number' && typeof r.values.points_per_week === 'number',
    );
    const points = pointsToDraw(rows);
    const x = points.map((p) => p.x);
    const y = points.map((p) => p.y);
    const unnamed = points.filter((p) => !p.named).length;
    const groupings = el(
      'p',
      { class: 'toggle' },
      'Group by: ',
      el(
        'a',
        { href: hrefWithFilters('/quadrant', { by: 'team' }), 'aria-current': by === 'team' ? 'true' : null },
        'team',
      ),
      who.privacy.individuals === 'hidden'
        ? null
        : [
            ' · ',
            el(
              'a',
              {
                href: hrefWithFilters('/quadrant', { by: 'person' }),
                'aria-current': by === 'person' ? 'true' : null,
              },
              'person',
            ),
          ],
    );
    append(
      ctx.main,
      pageHeader(
        'Efficiency quadrant',
        'Delivery per week against delivery per dollar: a starting point for a conversation, not a grade.',
        table.window,
      ),
      groupings,
      section(
        `Groups by ${table.by ?? by}`,
        ctx.chart(
          `Points per dollar (across) against points per week (up); the lines are the medians of the groups shown${
            unnamed ? '; the points far from the medians are named, hover a point for the others' : ''
          }`,
          {
            tooltip: {
              trigger: 'item',
              formatter: (p: unknown) => {
                const point = points[(p as { dataIndex: number }).dataIndex];
                return point
                  ? `${point.name}\n${decimal(point.y)} points per week, ${decimal(point.x, 3)} points per $`
                  : '';
              },
            },
            grid: { left: 70, right: 40, top: 30, bottom: 50 },
            // The x labels stand clear of the y axis's lowest label at the corner.
            xAxis: {
              type: 'value',
              ...axisTitle('points per $', 32),
              scale: true,
              axisLabel: { margin: 12 },
            },
            yAxis: { type: 'value', name: 'points per week', scale: true },
            series: [
              {
                type: 'scatter',
                symbolSize: 14,
                data: points.map((p) => ({
                  name: p.name,
                  value: [p.x, p.y],
                  label: { show: p.named },
                })),
                label: { show: true, position: 'right', formatter: '{b}', color: '#222' },
                markLine: rows.length
                  ? {
                      silent: true,
                      symbol: 'none',
                      label: { show: false },
                      lineStyle: { color: '#666', type: 'dashed' },
                      data: [{ xAxis: median(x) }, { yAxis: median(y) }],
                    }
                  : undefined,
              },
            ],
          },
          380,
        ),
        metricTable(table, { caption: 'Delivery and efficiency by group', labelHeader: table.by ?? by }),
      ),
    );
  },
};
