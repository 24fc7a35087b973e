import { orgPremiumRate } from '../../ingest/copilot-rate.js';
import type { Command } from 'commander';
import { MileageError } from '../../domain/errors.js';
import type { RunningServer } from '../../server/run-server.js';
import { connectorsFor } from './sync.js';
import { openContext, type CommandContext, type GlobalOptions } from '../context.js';
import { governanceRuntime } from '../governance.js';
import type { Terminal } from '../terminal.js';
import { bookRepricer, priceBookFor } from '../pricing.js';
import { globalOptions, intOption, type Run } from '../run.js';
import { removeServerLock, writeServerLock } from '../server-lock.js';
import { isLoopbackAddress } from '../../server/host-check.js';
import { orgFileInForce } from '../org-file-in-force.js';
import { isSharedStore } from '../../store/open.js';

interface ServeOptions extends GlobalOptions {
  port?: string;
  host?: string;
  publicName?: string[];
  otlpTokenRequired?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * `mileage serve`: one process owns the store and serves the JSON API, the dashboard and the OTLP/HTTP
 * receiver. Prints the base URL, then the dashboard URL with an admin session token. Runs until SIGINT or
 * SIGTERM, then stops taking requests, stores what is queued, prices it and refreshes the ledger.
 */
export function registerServe(program: Command, run: Run): void {
  globalOptions(program.command('serve'))
    .description('Serve the API, the dashboard and the OTLP/HTTP receiver over one store')
    .option('--port <n>', 'port to listen on (default server.port in mileage.yaml, else 4318)')
    .option('--host <address>', 'address to listen on (default server.host in mileage.yaml, else 127.0.0.1)')
    .option(
      '--public-name <name>',
      'a host name clients reach this server by (repeatable; with server.public_names): requests addressed to other names are refused (DNS rebinding)',
      collect,
    )
    .option(
      '--otlp-token-required',
      'the OTLP receiver (/v1/*) needs an ingest or admin token, Authorization: Bearer (also server.otlp_token_required)',
    )
    .action((opts: ServeOptions) =>
      run(async (term) => {
        // On a shared store (ClickHouse) the receiver's and the ingest API's appends are async inserts: the
        // server batches many processes' small inserts, and answers once they are written.
        const ctx = await openContext(opts, { inserts: 'async' });
        try {
          const settings = ctx.directory?.server;
          const port =
            opts.port === undefined ? (settings?.port ?? 4318) : intOption(opts.port, '--port', 0, 65_535);
          const host = opts.host ?? settings?.host ?? '127.0.0.1';
          const publicNames = [...(settings?.publicNames ?? []), ...(opts.publicName ?? [])];
          const otlpTokenRequired = opts.otlpTokenRequired === true || settings?.otlpTokenRequired === true;
          await serveUntilStopped(
            ctx,
            { host, port, verbose: opts.verbose, publicNames, otlpTokenRequired },
            term,
          );
        } finally {
          await ctx.db.close();
        }
      }),
    );
}

/**
 * Serves the store until SIGINT or SIGTERM: prints the base URL and the dashboard URL (with an admin
 * session token) on stdout, writes the lock file other commands find the server by, and on the way out
 * stores what is queued and removes the lock. The caller closes the store.
 */
export async function serveUntilStopped(
  ctx: CommandContext,
  opts: {
    host: string;
    port: number;
    verbose?: boolean;
    fallbackPort?: boolean;
    publicNames?: readonly string[];
    otlpTokenRequired?: boolean;
  },
  term: Terminal,
): Promise<void> {
  const book = priceBookFor(ctx.directory);
  const governance = await governanceRuntime(ctx.directory);
  const options = {
    db: ctx.db,
    org: ctx.org,
    privacy: ctx.privacy,
    timeZone: ctx.timeZone,
    book,
    reprice: bookRepricer(book),
    host: opts.host,
    port: opts.port,
    publicNames: opts.publicNames ?? [],
    otlpTokenRequired: opts.otlpTokenRequired ?? false,
    log: (m: string) => term.warn(m),
    verbose: opts.verbose,
    premiumRate: await orgPremiumRate(ctx.directory?.file),
    ...(governance ? { governance } : {}),
    orgFile: await orgFileInForce(ctx.db, ctx.directory),
    limits: ctx.directory?.server?.ingestRequestsPerMinute
      ? { ingestPerMinute: ctx.directory.server.ingestRequestsPerMinute }
      : {},
  };
  // Loaded here: the server (HTTP, OTLP protobuf) is a third of the CLI's start-up, which no other command needs.
  const { runServer } = await import('../../server/run-server.js');
  let server: RunningServer;
  try {
    server = await runServer(options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if (!opts.fallbackPort) {
      throw new MileageError(
        'usage',
        `port ${opts.port} on ${opts.host} is in use`,
        'Pick another with --port (0 = any free port).',
      );
    }
    server = await runServer({ ...options, port: 0 });
  }
  const file = ctx.directory?.file;
  const minutes = ctx.directory?.server?.syncIntervalMinutes ?? 0;
  const { SyncSchedule } = await import('../../server/sync-schedule.js');
  const syncs =
    file && minutes > 0
      ? new SyncSchedule({
          db: ctx.db,
          connectors: () => connectorsFor(file, undefined, ctx.directory?.org),
          intervalMs: minutes * 60_000,
          maintenance: server.deps.maintenance,
          stats: server.deps.stats,
          log: (m) => term.warn(m),
        })
      : null;
  try {
    syncs?.start();
    if (syncs) term.log(`Syncing the API sources of ${file} every ${minutes} minutes.`);
    if (options.governance) {
      const { configuredChannels } = await import('../../governance/channels.js');
      const g = options.governance.settings;
      term.log(
        `Alert rules: ${g.budgets.length} budgets from ${file ?? 'mileage.yaml'}, evaluated after every ledger refresh${g.alerts.interval_minutes > 0 ? ` and every ${g.alerts.interval_minutes} minutes` : ''}; channels: ${configuredChannels(options.governance.directory.notify).join(', ') || 'none configured'}.`,
      );
    }
    // The lock file tells this machine's CLI that a process owns the store file; a shared store has no owner
    // (several servers run over it at once), so it gets none.
    const shared = isSharedStore(ctx.db.location);
    if (!shared)
      writeServerLock({
        pid: process.pid,
        url: server.url,
        token: server.sessionToken,
        store: ctx.db.location,
        startedAt: new Date().toISOString(),
      });
    if (!isLoopbackAddress(opts.host) && !opts.otlpTokenRequired) {
      term.warn(
        `WARNING: listening on ${opts.host}, beyond this machine, and the OTLP receiver (/v1/metrics, /v1/logs, /v1/traces) takes records from anyone who can reach it. Add --otlp-token-required (or server.otlp_token_required: true) and give exporters an ingest token: OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer%20<token>".`,
      );
    }
    term.out(server.url);
    term.out(`Dashboard: ${server.dashboardUrl}`);
    term.log(
      `API on /api/v1, OTLP/HTTP receiver on /v1/metrics, /v1/logs, /v1/traces; store ${ctx.db.location}. Ctrl-C stops.`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    term.log('Stopping: storing queued records…');
    await syncs?.stop();
    await server.stop();
    const s = server.writerStats;
    const c = server.counters;
    term.log(
      `Received ${c.requests} requests, ${c.items} items; stored ${s.written} records (${s.alreadyStoredKnown ? `${s.alreadyStored} already stored` : 'already stored ones not counted: the store deduplicates at read'}, ${s.superseded} metric records superseded by events, ${c.rejected} rejected, ${s.refused} refused by the store, ${s.dropped + s.failed} not stored).`,
    );
  } finally {
    if (!isSharedStore(ctx.db.location)) removeServerLock(ctx.db.location);
    await syncs?.stop();
    await server.stop().catch(() => undefined);
  }
}
