import type { Command } from 'commander';
import { reconcile } from '../../reconcile/reconcile.js';
import { renderReconcile, renderReconcileSummary } from '../../report/reconcile.js';
import { MileageError } from '../../domain/errors.js';
import { asOption, noteAudience, stdoutDestination, wholeStoreAudience } from '../audience.js';
import { openContext, type GlobalOptions } from '../context.js';
import { dayOption, globalOptions, type Run } from '../run.js';

/** `mileage reconcile [--since --until] [--json]`: per stream and month, the ledger against the bill. */
export function registerReconcile(program: Command, run: Run): void {
  asOption(globalOptions(program.command('reconcile')))
    .description(
      'Per billing stream and month: billed, estimated, attributed and unattributed spend, and data gaps',
    )
    .option('--detail', 'every stream and month in full: attribution, sources and each gap')
    .option('--stream <name>', 'one billing stream, in full')
    .action((opts: GlobalOptions & { as?: string; detail?: boolean; stream?: string }) =>
      run(async (term) => {
        const since = opts.since ? dayOption(opts.since, '--since') : null;
        const until = opts.until ? dayOption(opts.until, '--until') : null;
        const destination = stdoutDestination(term);
        const audience = wholeStoreAudience(opts.as, destination, 'reconcile');
        const ctx = await openContext(opts);
        try {
          noteAudience(term, audience, ctx.privacy, destination);
          const all = await reconcile(ctx.db, {
            since,
            until,
            privacy: ctx.privacy,
            viewer: audience,
          });
          const months = opts.stream === undefined ? all : all.filter((m) => m.stream === opts.stream);
          if (opts.stream !== undefined && months.length === 0) {
            const streams = [...new Set(all.map((m) => m.stream))];
            throw new MileageError(
              'not_found',
              `no billing stream named "${opts.stream}" in this window`,
              streams.length ? `Streams: ${streams.join(', ')}` : undefined,
            );
          }
          const detail = opts.detail === true || opts.stream !== undefined;
          term.out(
            opts.json
              ? JSON.stringify({ months }, null, 2)
              : detail
                ? renderReconcile(months)
                : renderReconcileSummary(months),
          );
        } finally {
          await ctx.db.close();
        }
      }),
    );
}
