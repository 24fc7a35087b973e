import type { Command } from 'commander';
import { formatProblem } from '../../domain/parse-result.js';
import { finishIngest } from '../../ingest/finish.js';
import { otlpRoutes } from '../../server/otlp.js';
import { createRouterServer, listen, stopServer, type Route } from '../../server/router.js';
import { UsageWriter } from '../../server/usage-writer.js';
import { openContext, type GlobalOptions } from '../context.js';
import { priceBookFor } from '../pricing.js';
import { globalOptions, intOption, type Run } from '../run.js';

interface ServeOptions extends GlobalOptions {
  port: string;
  host: string;
}

/** New records are priced and the ledger refreshed this often (and once more on shutdown). */
const MAINTENANCE_MS = 60_000;

/**
 * `mileage serve`: one process owns the store and runs the OTLP/HTTP receiver (and, later, the API and
 * dashboard, which add their routes to the same table). Runs until SIGINT or SIGTERM, then stops taking
 * requests, stores what is queued, prices it and refreshes the ledger.
 */
export function registerServe(program: Command, run: Run): void {
  globalOptions(program.command('serve'))
    .description('Run the OTLP/HTTP receiver (/v1/metrics, /v1/logs, /v1/traces) on one store')
    .option('--port <n>', 'port to listen on', '4318')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .action((opts: ServeOptions) =>
      run(async (term) => {
        const port = intOption(opts.port, '--port', 0, 65_535);
        const ctx = await openContext(opts);
        const book = priceBookFor(ctx.directory);
        const writer = new UsageWriter(ctx.db, { onTrouble: (m) => term.warn(m) });
        const otlp = otlpRoutes({
          sink: writer,
          onProblems: opts.verbose
            ? (signal, problems) => problems.forEach((p) => term.log(`${signal}: ${formatProblem(p)}`))
            : undefined,
        });
        const routes: Route[] = [...otlp.routes];
        const server = createRouterServer(routes, (e) => term.warn(`request failed: ${String(e)}`));
        let priced = writer.stats.written;
        const maintain = async () => {
          if (writer.stats.written === priced) return;
          priced = writer.stats.written;
          await writer.exclusive(() => finishIngest(ctx.db, book));
        };
        const timer = setInterval(
          () => void maintain().catch((e: unknown) => term.warn(`pricing failed: ${String(e)}`)),
          MAINTENANCE_MS,
        );
        try {
          const address = await listen(server, port, opts.host);
          const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          term.out(`http://${host}:${address.port}`);
          term.log(
            `OTLP/HTTP receiver on /v1/metrics, /v1/logs, /v1/traces; store ${ctx.db.location}. Ctrl-C stops.`,
          );
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
          term.log('Stopping: storing queued records…');
          await stopServer(server);
          await writer.close();
          await maintain();
          const s = writer.stats;
          term.log(
            `Received ${otlp.counters.requests} requests, ${otlp.counters.items} items; stored ${s.written} records (${s.alreadyStored} already stored, ${s.superseded} metric records superseded by events, ${otlp.counters.rejected} rejected, ${s.dropped + s.failed} lost).`,
          );
        } finally {
          clearInterval(timer);
          if (server.listening) await stopServer(server);
          await ctx.db.close();
        }
      }),
    );
}
