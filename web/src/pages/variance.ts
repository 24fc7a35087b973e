import { filterValues, get, metric } from '../api.js';
import { append, el } from '../dom.js';
import { usd } from '../format.js';
import type { Page } from '../page.js';
import { apiParams, currentFilters } from '../state.js';
import type { Cell, WeeklyReport } from '../types.js';
import { metricTable, pageHeader, section } from '../views.js';
import { findingView } from './weekly.js';
import { median } from '../scales.js';

/** A person at this multiple of their team's median person or more is named on the chart. */
const OUTLIER_MULTIPLE = 2;

/**
 * Variance by cohort: cost per merged PR of each person against their team (the cohort), and the weekly
 * diagnostic's spread finding with its bootstrap interval. People appear only where privacy allows.
 */
export const variancePage: Page = {
  name: 'variance',
  path: /^\/variance$/,
  title: 'Variance by cohort',
  nav: 'Variance',
  href: '/variance',
  async render(ctx) {
    const filters = currentFilters();
    const chosen = filters.get('team');
    // The teams and the report are independent: asked together, then the metrics once the window is known.
    const [teams, report] = await Promise.all([
      chosen ? [chosen] : filterValues(filters).then((v) => v.teams),
      get<WeeklyReport>('/reports/weekly', apiParams(), ctx.signal),
    ]);
    // The chart and tables answer over the finding's own window (twelve weeks), so the cost per merged PR a
    // person has in the finding is the one their dot shows; a window the reader chose wins.
    const chosenWindow = filters.has('since') || filters.has('until');
    const window =
      !chosenWindow && report.varianceWindow
        ? { since: report.varianceWindow.since, until: report.varianceWindow.until }
        : {};
    const [byTeam, ...cohorts] = await Promise.all([
      metric('effectiveness.cost_per_merged_pr', apiParams({ ...window, by: 'team' }), ctx.signal),
      ...teams.map((team) =>
        metric('effectiveness.cost_per_merged_pr', apiParams({ ...window, by: 'person', team }), ctx.signal),
      ),
    ]);
    const spread = report.findings.find((f) => f.id === 'variance.cost_per_pr_spread');
    // Money arrives as exact decimal text: read as a number only to place it on the chart.
    const perPr = (v: Cell | undefined): number | null =>
      v === null || v === undefined || v === '' ? null : Number(v);
    const teamCost = new Map(byTeam.table.rows.map((r) => [r.key, perPr(r.values.cost_per_unit)]));
    const teamLabel = new Map(byTeam.table.rows.map((r) => [r.key, r.label]));
    const people = cohorts.flatMap((c, i) =>
      c.table.rows
        .filter((r) => perPr(r.values.cost_per_unit) !== null)
        .map((r) => ({
          team: teams[i] ?? '',
          name: r.label,
          value: perPr(r.values.cost_per_unit) as number,
        })),
    );
    const categories = teams.map((t) => teamLabel.get(t) ?? t);
    // The people a reader will ask about: far above the middle of their own team, named on the chart.
    const teamMedian = new Map(
      teams.map((t) => [t, median(people.filter((p) => p.team === t).map((p) => p.value))]),
    );
    const named = (p: { team: string; value: number }) =>
      p.value >= OUTLIER_MULTIPLE * (teamMedian.get(p.team) ?? Infinity);
    const drawn = [...people].sort((a, b) => Number(named(b)) - Number(named(a)) || b.value - a.value);
    append(
      ctx.main,
      pageHeader(
        'Variance by cohort',
        'Cost per merged PR of each person against their team: worth a conversation, never a grade.',
        byTeam.table.window,
      ),
      spread ? section('The weekly diagnostic’s finding', findingView(spread)) : null,
      section(
        'Cost per merged PR within each team',
        ctx.chart(
          `Cost per merged PR of each person (dots) and of the team as a whole (bars), USD; people at ${OUTLIER_MULTIPLE}x their team’s median person or more are named, hover a dot for the others`,
          {
            tooltip: { trigger: 'item' },
            legend: { top: 0 },
            grid: { left: 70, right: 20, top: 40, bottom: 40 },
            xAxis: { type: 'category', data: categories, axisLabel: { interval: 0 } },
            yAxis: { type: 'value', name: 'USD per PR' },
            series: [
              {
                name: 'team',
                type: 'bar',
                barWidth: '40%',
                itemStyle: { color: '#c9d6ea' },
                data: teams.map((t) => teamCost.get(t) ?? null),
              },
              {
                name: 'person',
                type: 'scatter',
                symbolSize: 10,
                data: drawn.map((p) => ({
                  name: p.name,
                  value: [categories[teams.indexOf(p.team)] ?? p.team, p.value],
                  label: { show: named(p) },
                })),
                label: { show: true, position: 'right', formatter: '{b}', color: '#222' },
              },
            ],
          },
          340,
        ),
        metricTable(byTeam.table, { caption: 'Cost per merged PR by team', labelHeader: 'team' }),
        cohorts.map((c, i) =>
          el(
            'details',
            {},
            el(
              'summary',
              {},
              `${categories[i] ?? ''}: team ${usd(teamCost.get(teams[i] ?? '') ?? null)} per merged PR`,
            ),
            metricTable(c.table, {
              caption: `Cost per merged PR in ${categories[i] ?? ''}, by ${c.table.by ?? 'group'}`,
              labelHeader: c.table.by ?? '',
            }),
          ),
        ),
      ),
    );
  },
};
