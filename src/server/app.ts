import { getConnInfo } from '@hono/node-server/conninfo';
import { businessSeries } from './business-metrics.js';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { allow, authenticate, bearer, READERS, WRITERS, type AppEnv, type TokenBook } from './auth.js';
import { auditRoutes } from './api/audit-routes.js';
import { experimentRoutes } from './api/experiment-routes.js';
import { prRoutes } from './api/pr-routes.js';
import { qualityBarRoutes } from './api/quality-bar-routes.js';
import { readRoutes } from './api/read-routes.js';
import { reportRoutes } from './api/report-routes.js';
import type { ServerDeps } from './deps.js';
import { apiError, errorResponse } from './errors.js';
import { allowedHostNames, checkHost } from './host-check.js';
import { requestKey } from './response-cache.js';
import { asOneJob } from '../store/read-order.js';
import { serveDashboard } from './static.js';

/** A route label for /metrics: the fixed part of the path, never request data. */
export function routeLabel(path: string): string {
  if (path.startsWith('/api/v1/')) {
    const [head, second] = path.slice('/api/v1/'.length).split('/');
    if (
      head === 'metrics' ||
      head === 'prs' ||
      head === 'tokens' ||
      head === 'audits' ||
      head === 'quality-bars' ||
      head === 'experiments'
    )
      return `/api/v1/${head}${second ? '/:id' : ''}`;
    if (head === 'ingest' || head === 'reports') return `/api/v1/${head}/${second ?? ''}`;
    return `/api/v1/${head ?? ''}`;
  }
  if (path === '/healthz' || path === '/metrics' || /^\/v1\/(metrics|logs|traces)$/.test(path)) return path;
  return path.startsWith('/api/') || path.startsWith('/v1/') ? 'other' : 'dashboard';
}

/** JSON text with <, > and & escaped: they only occur inside strings, where \u escapes mean the same. */
export function escapeJsonText(text: string): string {
  return text.replace(/[<>&]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function fromLoopback(c: Context): boolean {
  try {
    const address = getConnInfo(c).remote.address ?? '';
    return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
  } catch {
    return false; // not behind node:http (app.request in tests): treat as remote
  }
}

/**
 * The whole HTTP surface of `mileage serve` as one Hono app over web-standard Request/Response: the JSON API
 * under /api/v1 (bearer tokens, roles, privacy), the OTLP receiver's /v1/* routes (mounted by the caller),
 * /healthz, /metrics, and the dashboard with its single-page fallback.
 */
export function createApp(
  deps: ServerDeps,
  mounts: { otlp?: Hono; ingest?: Hono<AppEnv>; admin?: Hono<AppEnv>; governance?: Hono<AppEnv> } = {},
): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    deps.stats.request(routeLabel(c.req.path), c.res.status);
  });
  // DNS rebinding: only requests addressed to a name this server knows (host-check.ts).
  app.use('*', checkHost(deps.allowedHosts ?? allowedHostNames('127.0.0.1', [])));
  app.onError((error) => {
    deps.stats.error('request');
    return errorResponse(error, (e) =>
      deps.log(`request failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
    );
  });

  // Data in JSON answers stays inert even where a client would render it as HTML: <, > and & leave as
  // \u escapes (the same JSON to a parser), and no browser may sniff another type.
  app.use('/api/*', async (c, next) => {
    await next();
    c.header('x-content-type-options', 'nosniff');
    c.header('cache-control', 'no-store');
    if (!(c.res.headers.get('content-type') ?? '').startsWith('application/json')) return;
    const text = await c.res.text();
    c.res = new Response(escapeJsonText(text), c.res);
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  // Prometheus: open to scrapers on this machine; from elsewhere only with an admin token.
  app.get('/metrics', async (c) => {
    if (!fromLoopback(c)) {
      const token = bearer(c.req.raw);
      const p = token ? await deps.tokens.principal(token) : null;
      if (!p) return apiError('unauthorized', 'an admin token is needed for /metrics from another host');
      if (p.role !== 'admin') return apiError('forbidden', 'an admin token is needed for /metrics');
    }
    return c.text(deps.stats.render() + (await businessSeries(deps)), 200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
    });
  });

  const api = new Hono<AppEnv>();
  // Each request is one job for the read connections: its later statements go before newer requests' ones.
  api.use('*', (_c, next) => asOneJob(next));
  api.use('*', authenticate(deps.tokens));
  if (mounts.ingest) api.route('/ingest', mounts.ingest);
  if (mounts.admin) api.route('/', mounts.admin);
  if (mounts.governance) api.route('/', mounts.governance); // alerts and budgets: uncached, roles per route
  api.use('*', allow(...READERS));
  // Reads are answered from the cache while the data has not changed, per caller scope. Quality bars and
  // experiments are not kept: mileage.yaml's are read on each request, and an edit of the file is no change
  // of the data.
  api.use('*', async (c, next) => {
    if (
      c.req.method !== 'GET' ||
      c.req.path.startsWith('/api/v1/quality-bars') ||
      c.req.path.startsWith('/api/v1/experiments')
    )
      return next();
    const p = c.get('principal');
    const key = `${p.role}|${(p.teams ?? []).join(',')}|${requestKey(c.req.url)}`;
    c.res = await deps.cache.get(key, async () => {
      await next();
      return c.res;
    });
    return undefined;
  });
  api.route('/', readRoutes(deps));
  api.route('/', reportRoutes(deps));
  api.route('/', prRoutes(deps));
  api.route('/', auditRoutes(deps));
  api.route('/', qualityBarRoutes(deps));
  api.route('/', experimentRoutes(deps));
  api.all('*', (c) => apiError('not_found', `no API route ${c.req.method} ${c.req.path}`));
  app.route('/api/v1', api);
  app.all('/api/*', (c) => apiError('not_found', `no API route ${c.req.method} ${c.req.path}`));

  if (mounts.otlp) {
    if (deps.otlpTokenRequired) app.use('/v1/*', otlpToken(deps.tokens));
    app.route('/', mounts.otlp);
  }
  app.get('*', (c) =>
    c.req.path.startsWith('/v1/')
      ? c.text(`no route for ${c.req.path}\n`, 404)
      : serveDashboard(deps.webRoot, c.req.path),
  );
  app.all('*', (c) => c.text(`no route for ${c.req.path}\n`, 404));
  return app;
}

/** google.rpc.Code UNAUTHENTICATED. */
const UNAUTHENTICATED = 16;

/**
 * OTLP with `--otlp-token-required`: an ingest or admin token as `Authorization: Bearer <token>` (what the
 * exporters send from OTEL_EXPORTER_OTLP_HEADERS), else 401 — not retryable, as the OTLP spec says.
 */
function otlpToken(book: TokenBook): MiddlewareHandler {
  return async (c, next) => {
    const token = bearer(c.req.raw);
    const principal = token ? await book.principal(token) : null;
    if (!principal || !WRITERS.includes(principal.role)) {
      const message = !token
        ? 'this receiver needs a token: Authorization: Bearer <ingest token> (OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer%20<token>")'
        : principal
          ? `a ${principal.role} token cannot send telemetry (needs an ingest or admin token)`
          : 'unknown or revoked token';
      return Response.json({ code: UNAUTHENTICATED, message }, { status: principal ? 403 : 401 });
    }
    await next();
    return undefined;
  };
}
