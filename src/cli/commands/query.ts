import type { Command } from 'commander';
import { diagnosticWindows } from '../../diagnostics/windows.js';
import { MileageError } from '../../domain/errors.js';
import { formatUsd } from '../../domain/money.js';
import { findMetric } from '../../metrics/catalog.js';
import { DIMENSIONS, spendBy, type Dimension } from '../../metrics/query.js';
import { dataExtent } from '../../metrics/spend.js';
import { table } from '../../report/terminal.js';
import { openContext, type GlobalOptions } from '../context.js';
import { dayOption, globalOptions, type Run } from '../run.js';

/** Metrics `mileage query` can group today; the rest of the catalog joins as it gains grouped queries. */
const QUERYABLE = ['spend.total', 'efficiency.tokens_per_dollar'];

export function registerQuery(program: Command, run: Run): void {
  globalOptions(program.command('query'))
    .argument('<metric>', `metric id: ${QUERYABLE.join(', ')}`)
    .option('--by <dimension>', `group by: ${DIMENSIONS.join(', ')}`, 'team')
    .description('Answer an ad-hoc question: one metric grouped by one dimension, privacy rules applied')
    .action((metric: string, opts: GlobalOptions & { by: string }) =>
      run(async (term) => {
        if (!findMetric(metric) || !QUERYABLE.includes(metric)) {
          throw new MileageError(
            'usage',
            `cannot query "${metric}" by dimension yet`,
            `Queryable: ${QUERYABLE.join(', ')}. All metrics: \`mileage metrics list\`.`,
          );
        }
        if (!(DIMENSIONS as readonly string[]).includes(opts.by)) {
          throw new MileageError('usage', `--by expects one of ${DIMENSIONS.join(', ')}, got "${opts.by}"`);
        }
        const ctx = await openContext(opts);
        try {
          const extent = await dataExtent({ db: ctx.db });
          if (!extent)
            throw new MileageError(
              'not_found',
              'the store has no data yet',
              'Run `mileage demo` or `mileage ingest …` first.',
            );
          const window = diagnosticWindows(extent.first, extent.last, {
            ...(opts.since ? { since: dayOption(opts.since, '--since') } : {}),
            ...(opts.until ? { until: dayOption(opts.until, '--until') } : {}),
          }).report;
          const groups = await spendBy(
            { db: ctx.db, window, privacy: ctx.privacy, viewer: { role: 'owner' } },
            opts.by as Dimension,
          );
          if (opts.json) {
            term.out(JSON.stringify({ metric, by: opts.by, window, groups }, null, 2));
            return;
          }
          term.out(`${metric} by ${opts.by}, ${window.since} to ${window.until} (exclusive)`);
          term.out(
            table(
              [opts.by, 'spend', 'share', 'tokens', 'tokens per $', 'cache-read share'],
              groups.map((g) => [
                g.label,
                formatUsd(g.cost),
                `${(g.share * 100).toFixed(1)}%`,
                g.tokens.toLocaleString('en-US'),
                g.tokensPerDollar === null ? '—' : Math.round(g.tokensPerDollar).toLocaleString('en-US'),
                g.tokens ? `${((g.cacheReadTokens / g.tokens) * 100).toFixed(0)}%` : '—',
              ]),
              new Set([1, 2, 3, 4, 5]),
            ),
          );
        } finally {
          await ctx.db.close();
        }
      }),
    );
}
