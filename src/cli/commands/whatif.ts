import type { Command } from 'commander';
import { MileageError } from '../../domain/errors.js';
import { filteredDb } from '../../metrics/filter.js';
import { DIMENSIONS } from '../../metrics/query.js';
import { whatIf } from '../../metrics/whatif.js';
import { renderMetricTable } from '../../report/metric-table.js';
import { asOption, audienceFilter, noteAudience, outputAudience, stdoutDestination } from '../audience.js';
import { openContext, type GlobalOptions } from '../context.js';
import { bookRepricer, priceBookFor } from '../pricing.js';
import { globalOptions, type Run } from '../run.js';
import { commandWindow, dimensionOption } from './query.js';

/** `mileage whatif --model X [--cache-hit R] [--by DIM]`: the whatif.reprice metric for one scenario. */
export function registerWhatIf(program: Command, run: Run): void {
  asOption(globalOptions(program.command('whatif')))
    .description('Re-price past usage on another model or with a better cache-hit ratio (whatif.reprice)')
    .option('--model <model>', 'target model id, e.g. claude-haiku-4-5')
    .option('--cache-hit <ratio>', 'target cache-hit ratio, 0 to 1 (cache reads ÷ prompt tokens)')
    .option('--by <dimension>', `group by: ${DIMENSIONS.join(', ')}`)
    .action((opts: GlobalOptions & { model?: string; cacheHit?: string; by?: string; as?: string }) =>
      run(async (term) => {
        const cacheHit = opts.cacheHit === undefined ? null : Number(opts.cacheHit);
        if (cacheHit !== null && !(cacheHit >= 0 && cacheHit <= 1)) {
          throw new MileageError('usage', `--cache-hit expects a ratio from 0 to 1, got "${opts.cacheHit}"`);
        }
        if (!opts.model && cacheHit === null) {
          throw new MileageError('usage', 'give --model, --cache-hit or both');
        }
        const by = dimensionOption(opts.by, DIMENSIONS);
        const destination = stdoutDestination(term);
        const audience = outputAudience(opts.as, destination);
        const ctx = await openContext(opts);
        try {
          const book = priceBookFor(ctx.directory);
          if (opts.model && book.resolve(null, opts.model, new Date()) === null) {
            throw new MileageError(
              'usage',
              `no list price for "${opts.model}"`,
              'Check the model id (e.g. claude-haiku-4-5), or give it a price override in mileage.yaml.',
            );
          }
          const window = await commandWindow(ctx.db, opts);
          const filter = await audienceFilter(ctx.db, ctx.privacy, audience, window);
          noteAudience(term, audience, ctx.privacy, destination);
          const result = await whatIf(
            { db: filteredDb(ctx.db, filter), window, privacy: ctx.privacy, viewer: audience },
            bookRepricer(book),
            { model: opts.model ?? null, cacheHit },
            by,
          );
          term.out(opts.json ? JSON.stringify(result, null, 2) : renderMetricTable(result));
        } finally {
          await ctx.db.close();
        }
      }),
    );
}
