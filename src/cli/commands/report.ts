import type { Command } from 'commander';
import { weeklyReport } from '../../diagnostics/weekly.js';
import { MileageError } from '../../domain/errors.js';
import { renderWeeklyJson } from '../../report/json.js';
import { renderWeeklyTerminal } from '../../report/terminal.js';
import { openContext, type GlobalOptions } from '../context.js';
import { dayOption, globalOptions, type Run } from '../run.js';
import { bookRepricer, priceBookFor } from '../pricing.js';

export function registerReport(program: Command, run: Run): void {
  const report = program.command('report').description('Reports over the store');
  globalOptions(
    report
      .command('weekly')
      .description('The Monday-morning diagnostic: where the money went, model fit, variance, trajectory'),
  ).action((opts: GlobalOptions) =>
    run(async (term) => {
      const ctx = await openContext(opts);
      try {
        const result = await weeklyReport({
          db: ctx.db,
          org: ctx.org,
          privacy: ctx.privacy,
          viewer: { role: 'owner' },
          reprice: bookRepricer(priceBookFor(ctx.directory)),
          window: {
            ...(opts.since ? { since: dayOption(opts.since, '--since') } : {}),
            ...(opts.until ? { until: dayOption(opts.until, '--until') } : {}),
          },
        });
        if (!result) {
          throw new MileageError(
            'not_found',
            'the store has no data yet',
            'Run `mileage demo` to explore with a demo organisation, or `mileage ingest …` your own data.',
          );
        }
        term.out(opts.json ? renderWeeklyJson(result) : renderWeeklyTerminal(result, { color: term.color }));
      } finally {
        await ctx.db.close();
      }
    }),
  );
}
