import type { Command } from 'commander';
import { reconcile } from '../../reconcile/reconcile.js';
import { renderReconcile } from '../../report/reconcile.js';
import { asOption, noteAudience, stdoutDestination, wholeStoreAudience } from '../audience.js';
import { openContext, type GlobalOptions } from '../context.js';
import { dayOption, globalOptions, type Run } from '../run.js';

/** `mileage reconcile [--since --until] [--json]`: per stream and month, the ledger against the bill. */
export function registerReconcile(program: Command, run: Run): void {
  asOption(globalOptions(program.command('reconcile')))
    .description(
      'Per billing stream and month: billed, estimated, attributed and unattributed spend, and data gaps',
    )
    .action((opts: GlobalOptions & { as?: string }) =>
      run(async (term) => {
        const since = opts.since ? dayOption(opts.since, '--since') : null;
        const until = opts.until ? dayOption(opts.until, '--until') : null;
        const destination = stdoutDestination(term);
        const audience = wholeStoreAudience(opts.as, destination, 'reconcile');
        const ctx = await openContext(opts);
        try {
          noteAudience(term, audience, ctx.privacy, destination);
          const months = await reconcile(ctx.db, {
            since,
            until,
            privacy: ctx.privacy,
            viewer: audience,
          });
          term.out(opts.json ? JSON.stringify({ months }, null, 2) : renderReconcile(months));
        } finally {
          await ctx.db.close();
        }
      }),
    );
}
