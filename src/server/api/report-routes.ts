import { Hono } from 'hono';
import { costPerWorkflowOutcome } from '../../metrics/effectiveness.js';
import { addDays, weekStart } from '../../domain/time.js';
import type { AppEnv } from '../auth.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { dayParam, metricContext, readScope } from './scope.js';
import { weeklyAnswer } from './weekly-answer.js';
import { WEEKLY_TABLES, weeklyTable, type WeeklyTableName } from '../../report/answer-tables.js';
import { tableAnswer, tableFormat } from './table-answer.js';

/** The weekly diagnostic (the JSON of `mileage report weekly --json`) and spend per workflow outcome. */
export function reportRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/reports/weekly', async (c) => {
    const url = new URL(c.req.url);
    const scope = await readScope(deps, c.get('principal'), url);
    const week = dayParam(url, 'week');
    const since = dayParam(url, 'since');
    const until = dayParam(url, 'until');
    // week=D: the diagnostic whose last week is the week of D; else since/until as the CLI takes them.
    const window = week
      ? { until: addDays(weekStart(week), 7) }
      : { ...(since ? { since } : {}), ...(until ? { until } : {}) };
    const report = await weeklyAnswer(deps, scope, window);
    if (!report) throw new HttpError('not_found', 'the store has no data yet');
    const table = url.searchParams.get('table');
    if (table !== null) {
      // One of the tables the dashboard draws from this report, as JSON or CSV: the page's own rows.
      if (!(WEEKLY_TABLES as readonly string[]).includes(table))
        throw new HttpError('bad_request', `table expects one of ${WEEKLY_TABLES.join(', ')}`);
      const name = table as WeeklyTableName;
      return tableAnswer(c, `weekly-${name}`, weeklyTable(report, name), tableFormat(url));
    }
    // The CLI's JSON renderer is JSON.stringify of the report: the same text, parsed by the client.
    return c.json(report);
  });

  app.get('/workflows', async (c) => {
    const scope = await readScope(deps, c.get('principal'), new URL(c.req.url));
    const table = await costPerWorkflowOutcome(metricContext(deps, scope));
    return c.json({
      window: scope.window,
      rows: table.rows.map((r) => ({
        workflow: r.key,
        label: r.label,
        outcomeKind: r.values.outcome_kind,
        spend: r.values.spend,
        outcomes: r.values.outcomes,
        costPerOutcome: r.values.cost_per_outcome,
      })),
      notes: table.notes,
    });
  });

  return app;
}
