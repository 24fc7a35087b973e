import { Hono } from 'hono';
import { listAudits, storedResult } from '../../audit/stored-runs.js';
import type { AppEnv } from '../auth.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { runDetail, runSummary } from './audit-answers.js';
import { auditScope } from './audit-scope.js';
import { redactStrings } from './redact-people.js';
import { intParam } from './scope.js';
import {
  AUDIT_RUN_TABLES,
  auditRunTable,
  auditRunsTable,
  type AuditRunTableName,
} from '../../report/page-tables.js';
import { askedTable, serverToday } from './table-answer.js';

/**
 * Stored model-selection audits (src/audit): the runs, newest first (of one workflow with `workflow=`), and
 * one run's verdicts per candidate with the per-requirement statistics and the failing cases by id.
 */
export function auditRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/audits', async (c) => {
    const url = new URL(c.req.url);
    const scope = await auditScope(deps, c.get('principal'), url);
    const workflow = url.searchParams.get('workflow') || null;
    const limit = intParam(url, 'limit', 50, 1, 500);
    if (workflow !== null && !scope.sees(workflow))
      throw new HttpError('forbidden', `workflow "${workflow}" is not among this token's teams' workflows`);
    // Read past the limit when some runs are out of scope, so a manager still gets up to `limit` of theirs.
    const runs = (await listAudits(deps.db, workflow, workflow === null ? limit * 4 : limit))
      .filter((a) => scope.sees(a.workflow))
      .slice(0, limit)
      .map((a) => runSummary(a, scope.label(a.workflow)));
    const answer = redactStrings({ runs }, scope.redact);
    // The page's table of these runs (`table=runs`), as JSON or CSV.
    const table = askedTable(c, url, ['runs'], () => auditRunsTable(answer.runs, serverToday(deps)));
    return table ?? c.json(answer);
  });

  app.get('/audits/:id', async (c) => {
    const url = new URL(c.req.url);
    const scope = await auditScope(deps, c.get('principal'), url);
    const id = c.req.param('id');
    const found = id.length <= 200 ? await storedResult(deps.db, id) : null;
    // Out of scope answers as unknown: a manager learns nothing of other teams' runs, not even that they exist.
    if (!found || !scope.sees(found.audit.workflow))
      throw new HttpError('not_found', 'no stored audit run with this id (GET /api/v1/audits lists them)');
    const detail = redactStrings(
      runDetail(found.audit, scope.label(found.audit.workflow), found.result),
      scope.redact,
    );
    // The page's tables of this run (`table=candidates|requirements`), as JSON or CSV.
    const table = askedTable(
      c,
      url,
      AUDIT_RUN_TABLES,
      (name) => auditRunTable(detail, name as AuditRunTableName),
      `${id}-`,
    );
    return table ?? c.json(detail);
  });

  return app;
}
