import { Hono } from 'hono';
import { z } from 'zod';
import { emptyDirectory } from '../../domain/directory.js';
import { defaultGovernance } from '../../governance/config.js';
import { gatewayBudgetCandidate, raiseAlert, type GovernanceRuntime } from '../../governance/index.js';
import { parseJsonText } from '../../domain/json-depth.js';
import type { UsageRecord } from '../../domain/usage.js';
import { createKey, listKeys, liveKeys, revokeKey } from '../../gateway/keys.js';
import { keySpecOf, keySpecSchema, specProblem } from '../../gateway/key-spec.js';
import { gatewayRequests } from '../../gateway/requests.js';
import { shippedRecord } from '../../gateway/shipped.js';
import { allow, WRITERS, type AppEnv } from '../auth.js';
import { readBody } from '../body.js';
import type { ServerDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { dayParam, intParam } from './scope.js';

/** A gateway ships at most this many records a request (its writer batches a few thousand). */
const MAX_RECORDS = 10_000;

async function jsonBody(request: Request, max: number): Promise<unknown> {
  const body = await readBody(request, max);
  if (!body.ok) throw new HttpError('bad_request', body.error.message);
  const doc = parseJsonText(body.value.toString('utf8'));
  if (!doc.ok) throw new HttpError('bad_request', `the body: ${doc.message}`);
  return doc.value;
}

/** A shipped record, or a 400 naming why it is refused (gateway/shipped.ts). */
function gatewayRecord(raw: unknown): UsageRecord {
  const r = shippedRecord(raw);
  if (!r.ok) throw new HttpError('bad_request', r.message);
  return r.record;
}

/** A gateway key's soft-budget crossing as a gateway posts it (gateway/budgets.ts BudgetAlert). */
const crossingSchema = z.strictObject({
  keyId: z.string().min(1).max(200),
  team: z.string().min(1).max(200),
  workflow: z.string().min(1).max(200).nullable(),
  month: z.string().regex(/^\d{4}-\d{2}$/, 'a month as YYYY-MM'),
  percent: z.number().int().min(1).max(1000),
  budgetUsd: z.string().regex(/^\d{1,7}(\.\d{1,10})?$/, 'a decimal amount of dollars'),
  spentUsd: z.string().regex(/^\d{1,12}(\.\d{1,10})?$/, 'a decimal amount of dollars'),
  unpriced: z.number().int().min(0),
});

/**
 * The gateway's routes on the server (mounted under /api/v1): virtual keys for admins (`mileage keys …`
 * through the server that owns the store), and for the gateway process itself (an ingest or admin token)
 * the live keys' hashes to check requests against, and the shipment of its spooled records.
 */
export function gatewayRoutes(deps: ServerDeps, governance: GovernanceRuntime | null = null): Hono<AppEnv> {
  // Without alerting settings in the org file, a crossing is still kept in the alert history (no channel).
  const runtime: GovernanceRuntime = governance ?? {
    directory: { ...emptyDirectory(), org: deps.org, timeZone: deps.timeZone, privacy: deps.privacy },
    settings: defaultGovernance(),
  };
  const app = new Hono<AppEnv>();
  app.use('/gateway/keys', allow('admin'));
  app.use('/gateway/keys/*', allow('admin'));
  app.use('/gateway/requests', allow('admin'));
  app.use('/gateway/key-book', allow(...WRITERS));
  app.use('/gateway/records', allow(...WRITERS));
  app.use('/gateway/alerts', allow(...WRITERS));

  app.get('/gateway/keys', async (c) => c.json({ keys: await listKeys(deps.db) }));

  app.post('/gateway/keys', async (c) => {
    const spec = keySpecSchema.safeParse(await jsonBody(c.req.raw, 16 * 1024));
    if (!spec.success)
      throw new HttpError('bad_request', `invalid key request: ${spec.error.issues[0]?.message ?? ''}`);
    const checked = keySpecOf(spec.data);
    const problem = specProblem(checked);
    if (problem) throw new HttpError('bad_request', problem);
    const made = await deps.maintenance.exclusive(() => createKey(deps.db, checked));
    return c.json(made, 201);
  });

  app.delete('/gateway/keys/:id', async (c) => {
    const revoked = await deps.maintenance.exclusive(() => revokeKey(deps.db, c.req.param('id')));
    if (!revoked) throw new HttpError('not_found', 'no live key with this id');
    return c.json({ revoked: c.req.param('id') });
  });

  // Record-level detail (a request's key, session and branch): for admins, as the keys are.
  app.get('/gateway/requests', async (c) => {
    const url = new URL(c.req.url);
    const now = deps.now?.() ?? new Date();
    const since = dayParam(url, 'since');
    const until = dayParam(url, 'until');
    const param = (name: string) => url.searchParams.get(name) || undefined;
    const requests = await gatewayRequests(deps.db, {
      // Days are UTC; without a window, the last 24 hours.
      since: since ? `${since}T00:00:00Z` : new Date(now.getTime() - 86_400_000).toISOString(),
      until: until ? `${until}T00:00:00Z` : new Date(now.getTime() + 60_000).toISOString(),
      team: param('team'),
      workflow: param('workflow'),
      minStatus: url.searchParams.has('min_status') ? intParam(url, 'min_status', 0, 100, 599) : undefined,
      limit: intParam(url, 'limit', 100, 1, 5000),
    });
    return c.json({ requests });
  });

  app.get('/gateway/key-book', async (c) => c.json({ keys: await liveKeys(deps.db) }));

  // A key's soft-budget crossing, raised by a gateway into the alert history and the coach's channels (issue 22).
  app.post('/gateway/alerts', async (c) => {
    const parsed = crossingSchema.safeParse(await jsonBody(c.req.raw, 16 * 1024));
    if (!parsed.success)
      throw new HttpError('bad_request', `invalid budget crossing: ${parsed.error.issues[0]?.message ?? ''}`);
    const a = parsed.data;
    const teamName = runtime.directory.teams.find((t) => t.id === a.team)?.name ?? a.team;
    const sent = await raiseAlert(
      {
        db: deps.db,
        runtime,
        exclusive: (work) => deps.maintenance.exclusive(work),
        ...(deps.now ? { now: deps.now } : {}),
        log: deps.log,
      },
      gatewayBudgetCandidate(a, teamName),
    );
    return c.json({ alert: sent }, 201);
  });

  app.post('/gateway/records', async (c) => {
    const body = await jsonBody(c.req.raw, deps.limits.eventsBytes);
    if (!Array.isArray(body) || body.length > MAX_RECORDS)
      throw new HttpError('bad_request', `expected a JSON array of at most ${MAX_RECORDS} records`);
    const records = body.map(gatewayRecord);
    const result = await deps.maintenance.exclusive(() => deps.db.appendUsage(records));
    deps.stats.ingested('gateway', result.written);
    deps.maintenance.touched();
    return c.json({ written: result.written, alreadyStored: result.alreadyStored });
  });

  return app;
}
