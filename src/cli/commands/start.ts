import type { Command } from 'commander';
import { weeklyReport } from '../../diagnostics/weekly.js';
import { MileageError } from '../../domain/errors.js';
import { filteredDb } from '../../metrics/filter.js';
import { renderWeeklyJson } from '../../report/json.js';
import { renderWeeklyTerminal } from '../../report/terminal.js';
import { asOption, audienceFilter, noteAudience, outputAudience, stdoutDestination } from '../audience.js';
import { openContext, storedOrg, type GlobalOptions } from '../context.js';
import { generateAndLoadDemo } from '../demo-load.js';
import { bookRepricer, priceBookFor } from '../pricing.js';
import { globalOptions, intOption, type Run } from '../run.js';
import { commandWindow } from './query.js';
import { serveUntilStopped } from './serve.js';

export const DEMO_SEED = 42;

/**
 * The main job (`npm start`): on an empty store with no real sources configured, load the demo; then print
 * the Monday-morning diagnostic.
 */
export function registerStart(program: Command, run: Run): void {
  asOption(globalOptions(program.command('start')))
    .description(
      'Load the demo on an empty store, print the Monday-morning diagnostic, then serve the dashboard',
    )
    .option('--serve', 'serve the dashboard after the diagnostic (the default when stdout is a terminal)')
    .option('--no-serve', 'print the diagnostic and exit')
    .option('--port <n>', 'port of the dashboard and API', '4318')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .action((opts: GlobalOptions & { serve?: boolean; port: string; host: string; as?: string }) =>
      run(async (term) => {
        const destination = stdoutDestination(term, opts.json === true);
        const audience = outputAudience(opts.as, destination);
        const ctx = await openContext(opts);
        try {
          const counts = await ctx.db.counts();
          let org = ctx.org;
          let privacy = ctx.privacy;
          let timeZone = ctx.timeZone;
          let directory = ctx.directory;
          if (counts.usage === 0 && counts.outcomes === 0) {
            if (ctx.directory && ctx.directory.sources.length > 0) {
              throw new MileageError(
                'not_found',
                `the store is empty and ${ctx.directory.file ?? 'mileage.yaml'} names real sources`,
                'Load them first (`mileage ingest …`), then run `mileage start` again.',
              );
            }
            term.log('The store is empty: loading the demo organisation so there is something to look at.');
            await generateAndLoadDemo(
              ctx.db,
              {
                seed: DEMO_SEED,
                engineers: 30,
                months: 6,
                control: false,
                out: `.mileage/demo-${DEMO_SEED}`,
              },
              term,
            );
            ({ org, privacy, timeZone } = await storedOrg(ctx.db, null));
            directory = null;
          }
          const started = performance.now();
          const filter = await audienceFilter(ctx.db, privacy, audience, await commandWindow(ctx.db, opts));
          noteAudience(term, audience, privacy, destination);
          const report = await weeklyReport({
            db: filteredDb(ctx.db, filter),
            org,
            privacy,
            viewer: audience,
            reprice: bookRepricer(priceBookFor(directory)),
          });
          if (!report) throw new MileageError('not_found', 'the store has no data');
          term.out(
            opts.json ? renderWeeklyJson(report) : renderWeeklyTerminal(report, { color: term.color }),
          );
          term.log(
            `Diagnostic computed in ${((performance.now() - started) / 1000).toFixed(2)} s from ${ctx.db.location}.`,
          );
          // Keep the demo useful: serve the dashboard on it, unless told not to or output is not a terminal.
          if (opts.serve ?? process.stdout.isTTY === true) {
            const port = intOption(opts.port, '--port', 0, 65_535);
            await serveUntilStopped(
              { ...ctx, org, privacy, timeZone, directory },
              { host: opts.host, port, verbose: opts.verbose, fallbackPort: true },
              term,
            );
          } else if (opts.serve === undefined && !opts.json) {
            // Without a terminal the dashboard is not served; say how to get it rather than exit in silence.
            term.log(
              'The dashboard is not served when output is not a terminal: run `mileage start --serve` to open it.',
            );
          }
        } finally {
          await ctx.db.close();
        }
      }),
    );
}
