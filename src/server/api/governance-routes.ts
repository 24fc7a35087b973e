import { Hono } from 'hono';
import { identityHash } from '../../domain/ids.js';
import { parseJsonText } from '../../domain/json-depth.js';
import { usd } from '../../domain/money.js';
import { listStoredBudgets, deleteBudget, saveBudget } from '../../governance/budget-store.js';
import { budgetId, budgetSchema, DEFAULT_THRESHOLDS, type Budget } from '../../governance/config.js';
import {
  acknowledgeAlert,
  ALERT_STATES,
  listAlerts,
  muteAlert,
  type AlertState,
} from '../../governance/history.js';
import type { GovernanceRuntime } from '../../governance/run.js';
import { namesPeople } from '../../metrics/privacy.js';
import type { AlertRunner } from '../alert-runner.js';
import { allow, READERS, type AppEnv } from '../auth.js';
import { readBody } from '../body.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { dayParam, intParam, viewerOf } from './scope.js';
import { alertsTable } from '../../report/page-tables.js';
import { askedTable, serverToday } from './table-answer.js';

const MAX_BODY = 16 * 1024;

async function jsonBody(request: Request): Promise<unknown> {
  const body = await readBody(request, MAX_BODY);
  if (!body.ok) throw new HttpError('bad_request', body.error.message);
  if (body.value.length === 0) return {};
  const doc = parseJsonText(body.value.toString('utf8'));
  if (!doc.ok) throw new HttpError('bad_request', `the body: ${doc.message}`);
  return doc.value;
}

/**
 * Alerts and budgets over the API. Without governance settings in the org file (`runtime` and `runner`
 * null) only the alert history is served — what `mileage alerts check` stored stays visible and can be
 * acknowledged or muted (the dashboard's Alerts page) — and budgets and evaluation are absent. Readers list the alert history (a manager the alerts about their teams,
 * plus none of another team's) and the budgets; admins set and remove budgets, acknowledge and mute alerts
 * and run the rules now; a manager may acknowledge their teams' alerts. Alert bodies were written for an
 * org-wide viewer when they were raised, so listing them exposes no one.
 */
export function governanceRoutes(
  deps: ServerDeps,
  runtime: GovernanceRuntime | null,
  runner: AlertRunner | null,
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('/alerts', allow(...READERS));
  app.use('/alerts/*', allow(...READERS));
  app.use('/budgets', allow(...READERS));
  app.use('/budgets/*', allow(...READERS));

  app.get('/alerts', async (c) => {
    const url = new URL(c.req.url);
    const state = url.searchParams.get('state');
    if (state !== null && !ALERT_STATES.includes(state as AlertState))
      throw new HttpError('bad_request', `state expects one of ${ALERT_STATES.join(', ')}`);
    const p = c.get('principal');
    const alerts = await listAlerts(deps.db, {
      ...(dayParam(url, 'since') ? { since: dayParam(url, 'since') } : {}),
      ...(state ? { state: state as AlertState } : {}),
      teams: p.role === 'manager' ? (p.teams ?? []) : null,
      limit: intParam(url, 'limit', 200, 1, 2000),
    });
    // The page's table of this same list (`table=alerts`), as JSON or CSV.
    return askedTable(c, url, ['alerts'], () => alertsTable(alerts, serverToday(deps))) ?? c.json({ alerts });
  });

  if (runner)
    app.post('/alerts/evaluate', allow('admin'), async (c) => c.json({ run: await runner.trigger() }));

  app.post('/alerts/:id/ack', allow('admin', 'manager'), async (c) => {
    const id = c.req.param('id');
    const p = c.get('principal');
    if (p.role === 'manager') {
      const mine = await listAlerts(deps.db, { teams: p.teams ?? [], limit: 2000 });
      if (!mine.some((a) => a.id === id))
        throw new HttpError('forbidden', 'this alert is not about a team of yours');
    }
    const done = await deps.maintenance.exclusive(() =>
      acknowledgeAlert(deps.db, id, p.name ?? p.tokenId, deps.now?.() ?? new Date()),
    );
    if (!done) throw new HttpError('not_found', 'no alert with this id');
    return c.json({ acknowledged: id });
  });

  app.post('/alerts/:id/mute', allow('admin'), async (c) => {
    const id = c.req.param('id');
    const body = (await jsonBody(c.req.raw)) as { days?: unknown };
    const days = body.days === undefined ? 7 : Number(body.days);
    if (!Number.isInteger(days) || days < 1 || days > 365)
      throw new HttpError('bad_request', 'days expects a whole number of days from 1 to 365 (default 7)');
    const now = deps.now?.() ?? new Date();
    const until = new Date(now.getTime() + days * 86_400_000);
    const p = c.get('principal');
    const done = await deps.maintenance.exclusive(() =>
      muteAlert(deps.db, id, until, p.name ?? p.tokenId, now),
    );
    if (!done) throw new HttpError('not_found', 'no alert with this id');
    return c.json({ muted: id, until: until.toISOString() });
  });

  if (runtime) budgetRoutes(app, deps, runtime);
  return app;
}

/** Budgets: readers list them (mileage.yaml's and the API's), admins set and remove those of the API. */
function budgetRoutes(app: Hono<AppEnv>, deps: ServerDeps, runtime: GovernanceRuntime): void {
  app.get('/budgets', async (c) => {
    const viewer = viewerOf(c.get('principal'));
    const showPeople = namesPeople(deps.privacy, viewer);
    const all = [...runtime.settings.budgets, ...(await listStoredBudgets(deps.db))];
    return c.json({
      budgets: all.map((b) => ({
        id: b.id,
        scope: b.scope,
        // A person's budget names them only to those who may see people.
        subject: b.scope === 'person' && !showPeople ? null : b.subject,
        amount: b.amount.toFixed(),
        period: b.period,
        thresholds: b.thresholds,
        forecast: b.forecast,
        origin: b.origin,
      })),
    });
  });

  app.post('/budgets', allow('admin'), async (c) => {
    const parsed = budgetSchema.safeParse(await jsonBody(c.req.raw));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HttpError(
        'bad_request',
        `budget ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
      );
    }
    const b = parsed.data;
    const subject = String(b.subject).trim();
    if (b.scope === 'person' && deps.privacy.individuals === 'hidden')
      throw new HttpError(
        'bad_request',
        'privacy.individuals is hidden: a budget may not single out a person',
      );
    const known = await subjectExists(deps, b.scope, subject);
    if (!known) throw new HttpError('bad_request', `subject: no ${b.scope} "${subject}" in the directory`);
    const id = b.id ?? budgetId(b.scope, subject, b.period);
    if (runtime.settings.budgets.some((f) => f.id === id))
      throw new HttpError('conflict', `budget ${id} is set in mileage.yaml: change it there`);
    const budget: Budget = {
      id,
      scope: b.scope,
      subject,
      amount: usd(String(b.amount)),
      period: b.period,
      thresholds: [...new Set(b.thresholds ?? DEFAULT_THRESHOLDS)].sort((x, y) => x - y),
      forecast: b.forecast ?? true,
      origin: 'api',
    };
    await deps.maintenance.exclusive(() => saveBudget(deps.db, budget, deps.now?.() ?? new Date()));
    return c.json({ id }, 201);
  });

  app.delete('/budgets/:id', allow('admin'), async (c) => {
    const removed = await deps.maintenance.exclusive(() => deleteBudget(deps.db, c.req.param('id')));
    if (!removed) throw new HttpError('not_found', 'no budget set through the API has this id');
    return c.json({ removed: c.req.param('id') });
  });
}

/** Whether the directory knows the subject (a tool is any name: its spend may simply not have started). */
async function subjectExists(deps: ServerDeps, scope: Budget['scope'], subject: string): Promise<boolean> {
  const sql = {
    team: 'SELECT 1 FROM dir_teams WHERE team_id = $s',
    workflow: 'SELECT 1 FROM dir_workflows WHERE workflow_id = $s',
    person: 'SELECT 1 FROM dir_people WHERE person_id = $s',
    key: 'SELECT 1 FROM dir_keys WHERE key_hash = $s',
    tool: null,
  }[scope];
  if (sql === null) return true;
  return (await deps.db.query(sql, { s: scope === 'key' ? identityHash(subject) : subject })).length > 0;
}
