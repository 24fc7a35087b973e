import { Hono } from 'hono';
import { barContentHash } from '../../audit/bar-content.js';
import { validateBar } from '../../audit/bar-validate.js';
import { versionFor, versionsOf, type BarVersion, type CombinedBars } from '../../audit/bar-versions.js';
import { saveStoredBar } from '../../audit/stored-bars.js';
import { parseJsonText } from '../../domain/json-depth.js';
import { allow, type AppEnv } from '../auth.js';
import { readBody } from '../body.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { auditScope, type AuditScope } from './audit-scope.js';
import { barRequirementsTable } from '../../report/page-tables.js';
import { askedTable, serverToday } from './table-answer.js';
import { redactStrings } from './redact-people.js';
import { serverBars } from './server-bars.js';

/** A bar is a few requirements: far below this. */
const MAX_BAR_BYTES = 256 * 1024;
/** Workflow ids as the org file writes them (org/schema.ts). */
const WORKFLOW_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

function workflowParam(raw: string): string {
  if (!WORKFLOW_ID.test(raw))
    throw new HttpError(
      'bad_request',
      'workflow: expected an id made of letters, digits, ".", "_" or "-"',
      'workflow',
    );
  return raw;
}

const versionJson = (v: BarVersion) => ({
  version: v.bar.version,
  sources: [...v.sources],
  writtenAt: v.writtenAt,
  contentSha256: v.contentSha256,
  bar: v.bar,
});

function workflowBars(combined: CombinedBars, scope: AuditScope, workflow: string) {
  const versions = versionsOf(combined, workflow);
  return {
    workflow,
    label: scope.label(workflow),
    current: versions.at(-1)?.bar.version ?? null,
    versions: versions.map(versionJson),
    conflicts: combined.conflicts.filter((c) => c.workflow === workflow).map((c) => c.message),
  };
}

/** The body of a PUT as a bar of this workflow: the same validator as mileage.yaml's, its first problem named. */
async function bodyBar(
  request: Request,
  workflow: string,
): Promise<{ raw: Record<string, unknown>; asked: number | null }> {
  const body = await readBody(request, MAX_BAR_BYTES);
  if (!body.ok)
    throw new HttpError(body.error.status === 413 ? 'payload_too_large' : 'bad_request', body.error.message);
  const doc = parseJsonText(body.value.toString('utf8'));
  if (!doc.ok) throw new HttpError('bad_request', `the body: ${doc.message}`);
  if (doc.value === null || typeof doc.value !== 'object' || Array.isArray(doc.value))
    throw new HttpError('bad_request', 'the body: expected a quality bar (a JSON object)');
  const raw = doc.value as Record<string, unknown>;
  if (raw.workflow !== undefined && raw.workflow !== workflow)
    throw new HttpError(
      'bad_request',
      `workflow: the body names ${JSON.stringify(raw.workflow)}, the path "${workflow}"`,
      'workflow',
    );
  const asked = raw.version;
  if (asked !== undefined && !(typeof asked === 'number' && Number.isInteger(asked) && asked >= 1))
    throw new HttpError(
      'bad_request',
      'version: expected a whole number from 1 (or none: the server gives it)',
      'version',
    );
  return { raw, asked: asked === undefined ? null : asked };
}

/**
 * Quality bars per workflow with every version and where it is written (mileage.yaml, the API or both), and
 * PUT for admins: the bar is validated as mileage.yaml's are (400 naming the field); identical content keeps
 * its version (200), a changed bar is stored as the workflow's next version (201). A `version` in the body is
 * an expectation: when it is not the version the bar gets, nothing is written (409), so two admins editing
 * the same bar do not overwrite each other unseen.
 */
export function qualityBarRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/quality-bars', async (c) => {
    const scope = await auditScope(deps, c.get('principal'), new URL(c.req.url));
    const combined = await serverBars(deps);
    const ids = new Set([
      ...scope.workflows,
      ...combined.versions.map((v) => v.bar.workflow).filter((w) => scope.sees(w)),
    ]);
    const workflows = [...ids].sort().map((w) => workflowBars(combined, scope, w));
    return c.json(redactStrings({ workflows }, scope.redact));
  });

  app.get('/quality-bars/:workflow', async (c) => {
    const workflow = workflowParam(c.req.param('workflow'));
    const scope = await auditScope(deps, c.get('principal'), new URL(c.req.url));
    if (!scope.sees(workflow))
      throw new HttpError('forbidden', `workflow "${workflow}" is not among this token's teams' workflows`);
    const bars = redactStrings(workflowBars(await serverBars(deps), scope, workflow), scope.redact);
    // The page's table of the bar in force (`table=requirements`), as JSON or CSV.
    const table = askedTable(
      c,
      new URL(c.req.url),
      ['requirements'],
      () => barRequirementsTable(bars, serverToday(deps)),
      `${workflow}-`,
    );
    return table ?? c.json(bars);
  });

  app.put('/quality-bars/:workflow', allow('admin'), async (c) => {
    const workflow = workflowParam(c.req.param('workflow'));
    const { raw, asked } = await bodyBar(c.req.raw, workflow);
    // Validated with a placeholder version: the version is the server's to give (below).
    const checked = validateBar({ ...raw, workflow, version: asked ?? 1 });
    if (!checked.ok)
      throw new HttpError(
        'bad_request',
        `invalid quality bar: ${checked.error.field}: ${checked.error.message}`,
        checked.error.field,
      );
    const hash = barContentHash(checked.value);
    const written = await deps.maintenance.exclusive(async () => {
      const combined = await serverBars(deps);
      const conflict = combined.conflicts.find((x) => x.workflow === workflow);
      if (conflict) throw new HttpError('conflict', conflict.message);
      const { version, changed } = versionFor(combined, workflow, hash);
      if (asked !== null && asked !== version)
        throw new HttpError(
          'conflict',
          `version: this bar would be version ${version} of ${workflow}, not ${asked} (GET /api/v1/quality-bars/${workflow} shows the current one)`,
          'version',
        );
      const bar = { ...checked.value, version };
      if (changed) await saveStoredBar(deps.db, bar, hash, (deps.now?.() ?? new Date()).toISOString());
      return { bar, changed };
    });
    if (written.changed) deps.cache.invalidate();
    return c.json(
      {
        workflow,
        version: written.bar.version,
        changed: written.changed,
        contentSha256: hash,
        bar: written.bar,
      },
      written.changed ? 201 : 200,
    );
  });

  return app;
}
