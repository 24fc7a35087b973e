import { readFileSync, writeFileSync } from 'node:fs';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pseudonymised } from '../domain/pseudonymise.js';
import type { UsageRecord } from '../domain/usage.js';
import { Budgets, type BudgetAlert } from './budgets.js';
import { IdleWatch } from './idle-watch.js';
import { KeyBook } from './key-book.js';
import type { KeyEntry } from './key-spec.js';
import { LogDrain, type Drain, type DrainStats } from './log-drain.js';
import { proxy, type ProxyDeps } from './proxy.js';
import { RecordLog } from './record-log.js';
import type { RecordStore } from './remote.js';
import { GatewayStats } from './stats.js';
import { routeOf, type Upstreams } from './upstreams.js';

export interface GatewayOptions {
  /** Sampled capture of opted-in workflows for the model-selection audit (proxy.ts), when any opted in. */
  capture?: ProxyDeps['capture'];
  host: string;
  port: number;
  /**
   * The gateway's append-only log: every record is written here (group-committed, once per turn of the event
   * loop) before its answer's last byte, and fdatasync'ed in the background right after (record-log.ts).
   */
  spoolDir: string;
  upstreams: Upstreams;
  /**
   * Where records go from the log: a drain running elsewhere (`drain`: the CLI's writer thread,
   * cli/gateway-writer.ts), or a store to drain into from this thread (`store`: tests, embedders).
   */
  drain?: Drain;
  store?: RecordStore;
  /** The live keys (the server's key book, or the store's table). */
  loadKeys: () => Promise<KeyEntry[]>;
  /** Reload the keys this often (a revocation takes effect within it). */
  keyRefreshMs?: number;
  timeoutMs?: number;
  /** How long SIGTERM waits for answers in flight before closing their connections. */
  drainMs?: number;
  /** The log's open segment is sealed for the writer this often (and an in-thread drain runs as often). */
  flushMs?: number;
  /**
   * Called at stop when the last shipment has not gone through within a few seconds (the server is away):
   * it should make the waiting append give up, leaving the records in the spool for the next start.
   */
  stopShipping?: () => void;
  /** Where budget alerts are posted (JSON), besides the log. */
  alertWebhook?: string | undefined;
  /**
   * The alert history a crossing is raised into (the server's, through its API, or the owned store's):
   * resolves once kept; a rejection is logged, never retried into a second alert.
   */
  raiseAlert?: ((a: BudgetAlert) => Promise<void>) | undefined;
  log: (message: string) => void;
}

export interface RunningGateway {
  url: string;
  server: Server;
  stats: GatewayStats;
  writerStats: DrainStats;
  keys: KeyBook;
  /** Reloads the keys now. */
  reloadKeys(): Promise<void>;
  /** Seals the log and stores what it holds now (tests). */
  flush(): Promise<void>;
  /** Stops taking requests, lets answers in flight finish, ships what is spooled. */
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** At stop, how long the last shipment may wait for the server before the spool keeps it for next time. */
const SHIP_GRACE_MS = 5_000;

/**
 * `mileage gateway`: a node:http server (no framework on the hot path) that checks virtual keys against an
 * in-memory key book, forwards to the provider with the organisation's credential, meters each answer on
 * the side, and writes its record to the log before the answer's last byte. That write is all the request
 * path does with a record: the log's sealed segments are stored by a drain (log-drain.ts) that runs in a
 * thread of its own in the CLI, and a segment is deleted only once stored; what a crash leaves in the log
 * is stored at the next start (record ids are deterministic, so nothing counts twice). Nothing here blocks a
 * request on the store: the store or server being away only delays storing.
 */
export async function runGateway(o: GatewayOptions): Promise<RunningGateway> {
  const stats = new GatewayStats();
  const flushMs = o.flushMs ?? 1_000;
  const log = RecordLog.open(o.spoolDir, { sealMs: flushMs });
  if (!o.drain && !o.store) throw new Error('runGateway needs a drain or a store for its records');
  const drain =
    o.drain ??
    new LogDrain(o.spoolDir, o.store as RecordStore, { everyMs: flushMs, onTrouble: o.log }).start();
  const commit = (record: UsageRecord, then: () => void) => {
    const r = [pseudonymised(record)];
    log.appendThen(r, (e) => {
      if (e) {
        // Fail open: the answer is never held up by a broken disk; the record is stored from memory.
        stats.spoolFailure();
        drain.adopt(r);
        o.log(`spool write failed, record kept in memory: ${e.message}`);
      }
      then();
    });
  };

  const keys = new KeyBook();
  const snapshot = join(o.spoolDir, 'keys.json');
  // Reloads overlap (the timer's and an explicit one): a slower, older read must never replace a newer list,
  // or a key revoked (or created) between the two reads would come back (or vanish) until the next reload.
  let reloadsStarted = 0;
  let newestApplied = 0;
  const reloadKeys = async () => {
    const reload = ++reloadsStarted;
    try {
      const loaded = await o.loadKeys();
      if (reload < newestApplied) return;
      newestApplied = reload;
      keys.load(loaded);
      // Hashes only (never a key): lets a restart serve while the server is away.
      writeFileSync(snapshot, JSON.stringify(loaded), { mode: 0o600 });
    } catch (e) {
      if (keys.loaded === null) {
        try {
          keys.load(JSON.parse(readFileSync(snapshot, 'utf8')) as KeyEntry[]);
          o.log(`keys: server unavailable, serving the ${keys.size} keys of the last snapshot`);
        } catch {
          o.log(
            `keys: cannot load keys (${e instanceof Error ? e.message : String(e)}); every key refused until they load`,
          );
        }
      }
    }
  };
  await reloadKeys();
  const refresh = setInterval(() => void reloadKeys(), o.keyRefreshMs ?? 5_000);
  refresh.unref();

  const budgets = new Budgets((a) => {
    stats.prom.inc('mileage_gateway_budget_alerts_total', 'Budget thresholds crossed', {
      percent: String(a.percent),
    });
    o.log(
      `budget: key ${a.keyId} (team ${a.team}) passed ${a.percent}% of its $${a.budgetUsd} budget for ${a.month}: $${a.spentUsd} at list prices${a.unpriced ? `, plus ${a.unpriced} unpriced requests` : ''}`,
    );
    o.raiseAlert?.(a).catch((e: unknown) =>
      o.log(
        `budget: the alert could not be kept in the alert history: ${e instanceof Error ? e.message : String(e)}`,
      ),
    );
    if (o.alertWebhook)
      void fetch(o.alertWebhook, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'gateway.budget', ...a }),
      }).catch(() => o.log(`budget: the alert webhook could not be reached`));
  });
  const deps = {
    budgets,
    keys,
    upstreams: o.upstreams,
    commit,
    stats,
    timeoutMs: o.timeoutMs ?? 600_000,
    idle: new IdleWatch(o.timeoutMs ?? 600_000),
    maxBodyBytes: MAX_BODY_BYTES,
    capture: o.capture,
  };
  let inFlight = 0;
  let draining = false;
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (req.method === 'GET' && (path === '/health' || path === '/healthz')) {
      const body = JSON.stringify({ status: draining ? 'draining' : 'ok', keys: keys.size });
      res.writeHead(draining ? 503 : 200, { 'content-type': 'application/json' });
      return res.end(body);
    }
    if (req.method === 'GET' && path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      return res.end(stats.render());
    }
    const route = req.method === 'POST' ? routeOf(path) : null;
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: { message: `no gateway route ${req.method} ${path}` } }));
    }
    inFlight += 1;
    res.on('close', () => (inFlight -= 1));
    proxy(deps, route, req, res);
    return undefined;
  });
  server.keepAliveTimeout = 65_000;
  stats.prom.gauge('mileage_gateway_in_flight', 'Requests being answered', () => inFlight);
  stats.prom.gauge('mileage_gateway_keys', 'Live keys loaded', () => keys.size);
  stats.prom.gauge(
    'mileage_gateway_waiting_segments',
    'Sealed log segments waiting to be stored',
    () => drain.stats.waitingSegments,
  );
  stats.prom.gauge(
    'mileage_gateway_shipped_records',
    'Records shipped to the store',
    () => drain.stats.written,
  );
  // The process's own memory, so a soak run (bench gateway-soak) can tell a growing heap from the allocator's.
  stats.prom.gauge('process_resident_memory_bytes', 'Resident memory', () => process.memoryUsage.rss());
  stats.prom.gauge('nodejs_heap_used_bytes', 'JavaScript heap in use', () => process.memoryUsage().heapUsed);
  stats.prom.gauge(
    'nodejs_external_memory_bytes',
    'Memory outside the JavaScript heap held by its objects (buffers)',
    () => process.memoryUsage().external,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    stats,
    get writerStats() {
      return drain.stats;
    },
    keys,
    reloadKeys,
    async flush() {
      await log.seal();
      await drain.pass();
    },
    async stop() {
      draining = true;
      clearInterval(refresh);
      deps.idle.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + (o.drainMs ?? 30_000);
      while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      server.closeAllConnections();
      await closed;
      await log.close();
      const shipped = drain.close();
      await Promise.race([shipped, new Promise((r) => setTimeout(r, SHIP_GRACE_MS).unref())]);
      o.stopShipping?.();
      await shipped;
    },
  };
}
