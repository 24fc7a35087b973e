import { Hono } from 'hono';
import { parseJsonText } from '../../domain/json-depth.js';
import { dayOf } from '../../domain/time.js';
import { validateExperiment } from '../../governance/experiment-config.js';
import { experimentResult } from '../../governance/experiment-result.js';
import { saveExperiment } from '../../governance/experiment-store.js';
import { experimentsInForce, mayRead, storedTeamIds } from '../../governance/experiments.js';
import { fieldName } from '../../org/issue.js';
import { experimentDefinitionJson, experimentResultJson } from '../../report/experiment.js';
import { allow, type AppEnv } from '../auth.js';
import { readBody } from '../body.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { dayParam, principalAs, viewerOf } from './scope.js';
import {
  EXPERIMENT_RESULTS,
  experimentResultsTable,
  experimentSprintsTable,
  sprintsTableName,
} from '../../report/page-tables.js';
import { askedTable } from './table-answer.js';

/** An experiment is a few paragraphs and a handful of metrics: far below this. */
const MAX_BODY = 64 * 1024;
const EXPERIMENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

async function inForce(deps: ServerDeps) {
  const found = await experimentsInForce(deps.db, deps.orgFile ?? null);
  if (!found.ok) {
    const first = found.error[0];
    throw new HttpError(
      'conflict',
      `the org file's experiments cannot be read (line ${first?.line ?? 0}): ${first?.field ?? ''} ${first?.message ?? ''}`.trim(),
      first?.field,
    );
  }
  return found.value;
}

async function bodyEntry(request: Request): Promise<Record<string, unknown>> {
  const body = await readBody(request, MAX_BODY);
  if (!body.ok)
    throw new HttpError(body.error.status === 413 ? 'payload_too_large' : 'bad_request', body.error.message);
  const doc = parseJsonText(body.value.toString('utf8'));
  if (!doc.ok) throw new HttpError('bad_request', `the body: ${doc.message}`);
  if (doc.value === null || typeof doc.value !== 'object' || Array.isArray(doc.value))
    throw new HttpError(
      'bad_request',
      'the body: expected an experiment (a JSON object, as under experiments: in mileage.yaml)',
    );
  return doc.value as Record<string, unknown>;
}

/**
 * Experiments over the API: readers list them and read a report (a manager only those whose teams are all
 * theirs, as figures compare teams side by side); admins create (POST) and replace (PUT) those written
 * through the API. An experiment of mileage.yaml is changed in the file, never over the API (409). The body
 * is validated as mileage.yaml's experiments are; a problem is a 400 that names the field.
 */
export function experimentRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/experiments', async (c) => {
    const viewer = viewerOf(c.get('principal'));
    const found = await inForce(deps);
    return c.json({
      experiments: found.experiments.filter((e) => mayRead(e, viewer)).map(experimentDefinitionJson),
      problems: viewer.role === 'admin' ? found.problems : [],
    });
  });

  app.get('/experiments/:id', async (c) => {
    const id = c.req.param('id');
    const url = new URL(c.req.url);
    const viewer = viewerOf(principalAs(c.get('principal'), url.searchParams.get('audience')));
    const e = (await inForce(deps)).experiments.find((x) => x.id === id);
    if (!e) throw new HttpError('not_found', `no experiment "${id.slice(0, 100)}"`);
    if (!mayRead(e, viewer))
      throw new HttpError('forbidden', "this experiment covers teams outside this token's teams");
    const result = await experimentResult(e, {
      db: deps.db,
      privacy: deps.privacy,
      viewer,
      today: dayParam(url, 'as_of') ?? dayOf(deps.now?.() ?? new Date(), deps.timeZone),
    });
    const report = experimentResultJson(result);
    // The page's tables of this report (`table=results`, `table=sprints:METRIC`), as JSON or CSV.
    const tables = [EXPERIMENT_RESULTS, ...report.results.map((m) => sprintsTableName(m.metric))];
    const table = askedTable(
      c,
      url,
      tables,
      (name) =>
        name === EXPERIMENT_RESULTS
          ? experimentResultsTable(report)
          : experimentSprintsTable(report, name.slice(sprintsTableName('').length)),
      `${id}-`,
    );
    return table ?? c.json(report);
  });

  const write = async (raw: Record<string, unknown>, replace: boolean) => {
    const checked = validateExperiment(raw, await storedTeamIds(deps.db), 'api');
    if (!checked.ok) {
      const issue = checked.issues[0];
      const field = issue ? fieldName(issue.path) : '';
      throw new HttpError(
        'bad_request',
        `invalid experiment: ${field}: ${issue?.message ?? 'invalid'}`,
        field,
      );
    }
    const e = checked.value;
    return deps.maintenance.exclusive(async () => {
      const current = await inForce(deps);
      const existing = current.experiments.find((x) => x.id === e.id);
      if (existing?.origin === 'file')
        throw new HttpError(
          'conflict',
          `experiment ${e.id} is written in mileage.yaml: change it there`,
          'id',
        );
      if (existing && !replace)
        throw new HttpError(
          'conflict',
          `experiment ${e.id} exists: PUT /api/v1/experiments/${e.id} replaces it`,
          'id',
        );
      const existed = await saveExperiment(deps.db, e.entry, deps.now?.() ?? new Date());
      return { e, existed };
    });
  };

  app.post('/experiments', allow('admin'), async (c) => {
    const { e } = await write(await bodyEntry(c.req.raw), false);
    return c.json({ experiment: experimentDefinitionJson(e) }, 201);
  });

  app.put('/experiments/:id', allow('admin'), async (c) => {
    const id = c.req.param('id');
    if (!EXPERIMENT_ID.test(id))
      throw new HttpError('bad_request', 'id: expected an id made of letters, digits, ".", "_" or "-"', 'id');
    const raw = await bodyEntry(c.req.raw);
    if (raw.id !== undefined && raw.id !== id)
      throw new HttpError(
        'bad_request',
        `id: the body names ${JSON.stringify(raw.id)}, the path "${id}"`,
        'id',
      );
    const { e, existed } = await write({ ...raw, id }, true);
    return c.json({ experiment: experimentDefinitionJson(e), replaced: existed }, existed ? 200 : 201);
  });

  return app;
}
