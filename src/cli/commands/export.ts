import type { Command } from 'commander';
import { formatUsd, usd } from '../../domain/money.js';
import { namesPeople } from '../../metrics/privacy.js';
import { asOption, audienceName, noteAudience, wholeStoreAudience } from '../audience.js';
import { openContext, type GlobalOptions } from '../context.js';
import { dayOption, globalOptions, type Run } from '../run.js';

/** `mileage export focus --out FILE [--since --until]`: the ledger as a FOCUS-shaped CSV or Parquet file. */
export function registerExport(program: Command, run: Run): void {
  const exp = program.command('export').description('Write Mileage data in standard formats');
  asOption(globalOptions(exp.command('focus')))
    .description('The ledger (each dollar once) as FOCUS 1.2 rows whose Tags carry team, workflow and PR')
    .requiredOption('--out <file>', 'where to write: .parquet for Parquet, anything else for CSV')
    .action((opts: GlobalOptions & { out: string; as?: string }) =>
      run(async (term) => {
        const since = opts.since ? dayOption(opts.since, '--since') : null;
        const until = opts.until ? dayOption(opts.until, '--until') : null;
        // A file leaves the machine: an org-wide viewer's rows unless --as says otherwise.
        const audience = wholeStoreAudience(opts.as, 'file', 'export focus');
        const ctx = await openContext(opts);
        try {
          const format = opts.out.endsWith('.parquet') ? 'parquet' : 'csv';
          const r = await ctx.db.exportFocus({
            path: opts.out,
            format,
            since,
            until,
            namesPeople: namesPeople(ctx.privacy, audience),
            minGroupSize: ctx.privacy.minGroupSize,
          });
          noteAudience(term, audience, ctx.privacy, 'file');
          const as = audienceName(audience);
          if (opts.json) term.out(JSON.stringify({ file: opts.out, format, as, ...r }, null, 2));
          else
            term.out(
              `${opts.out}: ${r.rows.toLocaleString('en-US')} FOCUS rows, ${formatUsd(usd(r.total))}${r.unpriced ? ` (${r.unpriced} unpriced ledger entries left out)` : ''}, as ${as === 'viewer' ? 'an org-wide viewer sees them' : `${as} sees them`}`,
            );
        } finally {
          await ctx.db.close();
        }
      }),
    );
}
