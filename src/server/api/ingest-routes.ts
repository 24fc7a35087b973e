import { rm, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono, type Context } from 'hono';
import { MAX_JSON_DEPTH, parseJsonText } from '../../domain/json-depth.js';
import { loadBundleBytes } from '../../ingest/agent-logs/bundle.js';
import { screenOutcomes } from '../../ingest/screen.js';
import type { IngestSummary } from '../../ingest/summary.js';
import { loadUsageFile } from '../../ingest/usage-file.js';
import { parseOutcomesJsonl } from '../../sources/delivery/outcomes/parse.js';
import { allow, WRITERS, type AppEnv } from '../auth.js';
import { readBody } from '../body.js';
import type { ServerDeps } from '../deps.js';
import { apiError, HttpError } from '../errors.js';
import type { RateLimiter } from '../rate-limit.js';

const MAX_PROBLEMS = 100;

/**
 * Events as JSON: an array, `{events: [...]}`, or one object per line (NDJSON). Each becomes one JSONL line.
 * A bad event (not JSON, not an object, nested too deep) stays a line of its own, which the loader rejects
 * with its number: it never takes the good events of the same body with it.
 */
export function eventLines(body: Buffer, contentType: string): string[] {
  const text = body.toString('utf8');
  if (/ndjson|jsonl/i.test(contentType)) {
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((line) => {
        const event = parseJsonText(line);
        return JSON.stringify(event.ok ? event.value : `${event.message}: ${line.slice(0, 40)}`);
      });
  }
  // Depth-checked before JSON.parse and JSON.stringify, whose recursion a deep body would overflow (an
  // event may nest MAX_JSON_DEPTH levels inside the array and the {events: [...]} around it).
  const doc = parseJsonText(text, MAX_JSON_DEPTH + 2);
  if (!doc.ok) throw new HttpError('bad_request', `the body: ${doc.message}`);
  const events = Array.isArray(doc.value) ? doc.value : (doc.value as { events?: unknown } | null)?.events;
  if (!Array.isArray(events))
    throw new HttpError('bad_request', 'expected a JSON array of events, or {"events": [...]}');
  return events.map((e) => JSON.stringify(e));
}

/**
 * The source a usage event of the API is stored under: `api`, or `api:NAME` for `?source=NAME`. Events sent
 * over HTTP live in a namespace of their own (as a bundle's requests do, agent-logs/bundle.ts): their record
 * ids are derived here from that source and the row's content (store/duckdb/usage-file.ts), so whatever a
 * caller names, it can never write into, or replace a record of, a vendor's report, a connector's sync, an
 * agent log or the OTLP receiver.
 */
export function apiUsageSource(asked: string | undefined): string {
  if (asked === undefined || asked === 'api') return 'api';
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/i.test(asked))
    throw new HttpError('bad_request', 'source: letters, digits, . _ - (at most 64)');
  return `api:${asked}`;
}

/** Why an ingest token's billed rows are refused: a bill comes from the vendor (a connector or a file). */
export const BILLED_REFUSED =
  'an ingest token cannot send billed records (a bill comes from the vendor: `mileage sync` or a file loaded by an admin); send provider_reported or list_estimate';

function answer(c: Context, summary: IngestSummary): Response {
  return c.json({
    source: summary.source,
    written: summary.written,
    alreadyStored: summary.alreadyStored,
    rejected: summary.problems.length,
    problems: summary.problems
      .slice(0, MAX_PROBLEMS)
      .map((p) => ({ line: p.line, field: p.field, message: p.message })),
  });
}

/**
 * Ingestion over HTTP (admin and ingest tokens): agent-log bundles, generic usage events, workflow outcome
 * events. Bodies over the limit get 413 and malformed ones 400 before anything is stored; bad events inside
 * a well-formed body are rejected one by one (named by their line) and the good ones kept.
 */
export function ingestRoutes(deps: ServerDeps, limiter: RateLimiter): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', allow(...WRITERS));
  app.use('*', async (c, next) => {
    const wait = limiter.take(c.get('principal').tokenId);
    if (wait > 0) {
      deps.stats.error('rate_limited');
      return apiError('rate_limited', `too many ingestion requests: retry in ${wait} s`, {
        'retry-after': String(wait),
      });
    }
    await next();
    return undefined;
  });

  const body = async (c: Context, max: number): Promise<Buffer> => {
    const read = await readBody(c.req.raw, max);
    if (!read.ok)
      throw new HttpError(
        read.error.status === 413 ? 'payload_too_large' : 'bad_request',
        read.error.message,
      );
    if (read.value.length === 0) throw new HttpError('bad_request', 'empty body');
    return read.value;
  };

  app.post('/bundle', async (c) => {
    const bytes = await body(c, deps.limits.bundleBytes);
    const summary = await deps.maintenance.exclusive(() =>
      loadBundleBytes(deps.db, bytes, 'uploaded bundle', deps.limits.bundleTextBytes),
    );
    deps.stats.ingested('bundle', summary.written);
    deps.maintenance.touched();
    return answer(c, summary);
  });

  app.post('/usage', async (c) => {
    const lines = eventLines(await body(c, deps.limits.eventsBytes), c.req.header('content-type') ?? '');
    const source = apiUsageSource(c.req.query('source'));
    const admin = c.get('principal').role === 'admin';
    const dir = await mkdtemp(join(tmpdir(), 'mileage-events-'));
    try {
      const path = join(dir, 'events.jsonl');
      await writeFile(path, lines.join('\n') + '\n');
      const summary = await deps.maintenance.exclusive(() =>
        loadUsageFile(deps.db, {
          path,
          name: 'request',
          format: 'jsonl',
          source,
          ...(admin ? {} : { billedRefused: BILLED_REFUSED }),
        }),
      );
      deps.stats.ingested('usage', summary.written);
      deps.maintenance.touched();
      return answer(c, summary);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  app.post('/outcomes', async (c) => {
    const lines = eventLines(await body(c, deps.limits.eventsBytes), c.req.header('content-type') ?? '');
    const parsed = parseOutcomesJsonl(lines.join('\n'), 'request');
    const screened = screenOutcomes(parsed.records, 'request');
    const result = await deps.maintenance.exclusive(() => deps.db.appendOutcomes(screened.kept));
    deps.stats.ingested('outcomes', result.written);
    deps.maintenance.touched();
    return answer(c, {
      source: 'api',
      files: 1,
      records: parsed.records.length,
      written: result.written,
      alreadyStored: result.alreadyStored,
      problems: [...parsed.problems, ...screened.problems],
    });
  });

  return app;
}
