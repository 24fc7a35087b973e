import type { PremiumRate } from '../domain/copilot-billing.js';
import type { Server } from 'node:http';
import type { Hono } from 'hono';
import { loadQualityBars } from '../audit/bar-file.js';
import type { Repricer } from '../pricing/repricer.js';
import type { Privacy } from '../domain/directory.js';
import { formatProblem } from '../domain/parse-result.js';
import type { PriceResolver } from '../ingest/pricing-pass.js';
import type { Db } from '../store/db.js';
import { isSharedStore } from '../store/open-path.js';
import { createApp } from './app.js';
import { TokenBook } from './auth.js';
import { DEFAULT_LIMITS, type Limits, type ServerDeps } from './deps.js';
import type { GovernanceRuntime } from '../governance/run.js';
import { AlertRunner } from './alert-runner.js';
import { governanceRoutes } from './api/governance-routes.js';
import { gatewayRoutes } from './api/gateway-routes.js';
import { ingestRoutes } from './api/ingest-routes.js';
import { warmWeekly } from './api/weekly-answer.js';
import { tokenRoutes } from './api/token-routes.js';
import { allowedHostNames } from './host-check.js';
import { listenApp, stopServer, urlOf } from './listen.js';
import { Maintenance } from './maintenance.js';
import { otlpApp, type ReceiverCounters } from './otlp.js';
import { receiverSink, spoolDirFor } from './otlp-sink.js';
import type { Spool } from './spool.js';
import { RateLimiter } from './rate-limit.js';
import { ResponseCache } from './response-cache.js';
import { defaultWebRoot } from './static.js';
import { ServerStats } from './stats.js';
import { newToken } from './tokens.js';
import { UsageWriter, type WriterStats } from './usage-writer.js';

export interface RunServerOptions {
  db: Db;
  org: string;
  privacy: Privacy;
  timeZone: string;
  book: PriceResolver;
  reprice: Repricer;
  host: string;
  port: number;
  limits?: Partial<Limits>;
  webRoot?: string | null;
  log: (message: string) => void;
  verbose?: boolean;
  /** Read answers kept per data version (0: none). */
  cacheEntries?: number;
  /** Compute the default weekly report at start and after each ledger refresh (default true). */
  warm?: boolean;
  /**
   * The OTLP receiver's log folder (what is acknowledged is written there first); default: beside the store's
   * file (`<store>.spool`), none for an in-memory store. null: no log.
   */
  spoolDir?: string | null;
  /** Host names the server answers to besides loopback names, IP addresses and `host` (DNS rebinding). */
  publicNames?: readonly string[];
  /** /v1/* needs an ingest or admin token (serve --otlp-token-required). */
  otlpTokenRequired?: boolean;
  /** The org's price of a Copilot premium request (mileage.yaml); GitHub's list price when absent. */
  premiumRate?: PremiumRate;
  /** Budgets, alert rules and their channels (mileage.yaml): evaluated after every refresh and on a schedule. */
  governance?: GovernanceRuntime;
  /** The org file whose quality_bars the audit endpoints combine with the API-written ones; none: no file. */
  orgFile?: string | null;
}

export interface RunningServer {
  url: string;
  /** An admin token that lives as long as this process (printed in the dashboard URL, never stored). */
  sessionToken: string;
  dashboardUrl: string;
  deps: ServerDeps;
  counters: ReceiverCounters;
  writerStats: WriterStats;
  server: Server;
  /** Settles once the weekly report being warmed (at start, after a refresh) is ready. */
  warmed(): Promise<void>;
  /** Stops taking requests, stores what is queued, prices it and refreshes the ledger. */
  stop(): Promise<void>;
}

/** New records are priced and the ledger refreshed at most this long after they arrive. */
const MAINTENANCE_MS = 60_000;
/** Appends in flight at once over a shared store (ClickHouse): enough to keep its async-insert queue fed. */
const SHARED_STORE_WRITES = 8;
/** How long a token lookup is trusted over a shared store, where another server may revoke it. */
const SHARED_TOKEN_MEMORY_MS = 30_000;

export interface BuiltServer {
  app: Hono;
  deps: ServerDeps;
  sessionToken: string;
  counters: ReceiverCounters;
  writer: UsageWriter;
  spool: Spool | null;
  /** Stores what a previous process acknowledged and left in the receiver's log; resolves once stored. */
  replaySpool(): Promise<{ records: number; unreadable: number }>;
  /**
   * Computes the default weekly report now and after every ledger refresh (off by default: tests that build
   * a server close its store right after, while a warm-up could still be reading).
   */
  warmAfterRefresh(on: boolean): void;
  /** Settles when no warm-up is running. */
  idle(): Promise<void>;
  /** The alert rules' runner, when the org has governance settings. */
  alerts: AlertRunner | null;
}

/** Wires the store, the OTLP receiver, the API and the dashboard into one app (not listening: tests use it). */
export function buildServer(o: Omit<RunServerOptions, 'host' | 'port'> & { host?: string }): BuiltServer {
  const stats = new ServerStats();
  const cache = new ResponseCache(o.cacheEntries ?? 500);
  // The writer seals and releases the receiver's log (made just below: the log hands records to the writer).
  let spool: Spool | null = null;
  const shared = isSharedStore(o.db.location);
  const writer = new UsageWriter(o.db, {
    onTrouble: o.log,
    // A shared store takes concurrent inserts: requests share writes by group commit, several in flight.
    concurrentAppends: shared ? SHARED_STORE_WRITES : 1,
    log: {
      seal: async () => (spool ? spool.seal() : []),
      release: (segments) => spool?.release(segments),
    },
  });
  let warm: (() => void) | null = null;
  let warming: Promise<void> = Promise.resolve();
  let alerts: AlertRunner | null = null;
  const maintenance = new Maintenance(o.db, o.book, (work) => writer.exclusive(work), {
    debounceMs: 2_000,
    onChange: () => cache.invalidate(),
    onRefreshed: () => {
      warm?.();
      void alerts?.trigger();
    },
    onError: (e) => {
      stats.error('maintenance');
      o.log(`pricing failed: ${String(e)}`);
    },
  });
  const tokens = new TokenBook(o.db, shared ? SHARED_TOKEN_MEMORY_MS : Number.POSITIVE_INFINITY);
  const sessionToken = newToken();
  tokens.addSession(sessionToken, { tokenId: 'session', name: 'serve session', role: 'admin', teams: null });
  const deps: ServerDeps = {
    db: o.db,
    org: o.org,
    privacy: o.privacy,
    timeZone: o.timeZone,
    reprice: o.reprice,
    tokens,
    stats,
    maintenance,
    limits: { ...DEFAULT_LIMITS, ...o.limits },
    webRoot: o.webRoot === undefined ? defaultWebRoot() : o.webRoot,
    log: o.log,
    cache,
    fileBars: () => (o.orgFile ? loadQualityBars(o.orgFile) : Promise.resolve([])),
    orgFile: o.orgFile ?? null,
    allowedHosts: allowedHostNames(o.host ?? '127.0.0.1', o.publicNames ?? []),
    otlpTokenRequired: o.otlpTokenRequired ?? false,
  };
  const receiver = receiverSink(
    writer,
    o.spoolDir === undefined ? spoolDirFor(o.db.location) : o.spoolDir,
    (accepted) => {
      maintenance.touched(MAINTENANCE_MS);
      stats.ingested('otlp', accepted);
    },
    shared,
  );
  spool = receiver.spool;
  const otlp = otlpApp({
    sink: receiver.sink,
    premiumRate: o.premiumRate,
    onProblems: o.verbose
      ? (signal, problems) => problems.forEach((p) => o.log(`${signal}: ${formatProblem(p)}`))
      : undefined,
  });
  stats.gauge('mileage_otlp_queued_records', 'OTLP records waiting to be stored', () => writer.stats.queued);
  stats.gauge(
    'mileage_otlp_dropped_records',
    'OTLP records dropped (full queue or failed append)',
    () => writer.stats.dropped + writer.stats.failed,
  );
  stats.gauge(
    'mileage_otlp_refused_records',
    'OTLP records the store refused one by one (the rest of their batch stored)',
    () => writer.stats.refused,
  );
  alerts = o.governance
    ? new AlertRunner({
        db: o.db,
        runtime: o.governance,
        maintenance,
        stats,
        intervalMinutes: o.governance.settings.alerts.interval_minutes,
        log: o.log,
      })
    : null;
  const app = createApp(deps, {
    otlp: otlp.app,
    ingest: ingestRoutes(deps, new RateLimiter(deps.limits.ingestPerMinute)),
    admin: tokenRoutes(deps).route('/', gatewayRoutes(deps, o.governance ?? null)),
    // The alert history is always served (the Alerts page); budgets and evaluation need governance settings.
    governance: governanceRoutes(deps, o.governance ?? null, alerts),
  });
  return {
    app,
    deps,
    sessionToken,
    counters: otlp.counters,
    writer,
    spool,
    async replaySpool() {
      const left = receiver.replay();
      if (left.records > 0) {
        await writer.flush();
        maintenance.touched();
      }
      return left;
    },
    warmAfterRefresh: (on) => {
      warm = on
        ? () => {
            warming = warming
              .then(() => warmWeekly(deps))
              .catch((e: unknown) => o.log(`warming the weekly report failed: ${String(e)}`));
          }
        : null;
      warm?.();
    },
    idle: () => warming,
    alerts,
  };
}

/** The built server, listening. */
export async function runServer(o: RunServerOptions): Promise<RunningServer> {
  const built = buildServer(o);
  const { app, deps, sessionToken, counters, writer } = built;
  // Acknowledged records a previous process had not stored yet (a crash, a kill -9): stored before listening.
  const replayed = await built.replaySpool();
  if (replayed.records > 0 || replayed.unreadable > 0)
    o.log(
      `stored ${replayed.records} acknowledged OTLP records left in ${built.spool?.dir ?? 'the log'} by the previous run` +
        (replayed.unreadable > 0 ? ` (${replayed.unreadable} torn lines, never acknowledged, skipped)` : ''),
    );
  const { server, address } = await listenApp(app.fetch, o.port, o.host);
  built.warmAfterRefresh(o.warm ?? true);
  built.alerts?.start();
  const url = urlOf(address);
  return {
    url,
    sessionToken,
    dashboardUrl: `${url}/#token=${sessionToken}`,
    deps,
    counters,
    writerStats: writer.stats,
    server,
    warmed: () => built.idle(),
    async stop() {
      await stopServer(server);
      await built.alerts?.stop();
      built.warmAfterRefresh(false);
      await writer.close();
      await built.spool?.close();
      await deps.maintenance.refresh();
      await built.idle();
    },
  };
}
