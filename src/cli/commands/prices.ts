import type { Command } from 'commander';
import { pricingPass } from '../../ingest/pricing-pass.js';
import { suggestFixes } from '../../pricing/unpriced.js';
import { openContext, type GlobalOptions } from '../context.js';
import { priceBookFor } from '../pricing.js';
import { globalOptions, type Run } from '../run.js';
import { dimensionGapLines } from '../dimension-gaps.js';
import { registerPricesExplain } from './prices-explain.js';

export function registerPrices(program: Command, run: Run): void {
  const prices = program.command('prices').description('List prices, overrides and unpriced models');
  globalOptions(prices.command('check'))
    .description('List models without a price, their token volume, and the override that would fix each')
    .action((opts: GlobalOptions) =>
      run(async (term) => {
        const ctx = await openContext(opts);
        try {
          const book = priceBookFor(ctx.directory);
          const rows = await ctx.db.unpricedModels();
          const gaps = await ctx.db.dimensionGaps();
          const fixes = suggestFixes(
            rows.map((r) => ({
              provider: r.provider,
              model: r.model,
              records: r.records,
              tokens: {
                input: r.input,
                cacheRead: r.cacheRead,
                cacheWrite: r.cacheWrite,
                output: r.output,
                reasoning: 0,
              },
            })),
            book,
          );
          if (opts.json) {
            term.out(JSON.stringify({ unpriced: fixes, reingest: gaps }, null, 2));
            return;
          }
          for (const line of dimensionGapLines(gaps)) term.out(line);
          if (fixes.length === 0) {
            term.out('Every model in the store has a price.');
            return;
          }
          for (const f of fixes) {
            const total = f.tokens.input + f.tokens.cacheRead + f.tokens.cacheWrite + f.tokens.output;
            term.out(
              `unpriced: ${f.provider ?? '?'}/${f.model} — ${total.toLocaleString('en-US')} tokens in ${f.records.toLocaleString('en-US')} records`,
            );
            if (f.nearest.length) term.out(`  did you mean: ${f.nearest.join(', ')}?`);
            term.out('  add to mileage.yaml:');
            term.out(f.yamlSnippet.replace(/^/gm, '    '));
            term.out(`  then run: ${f.command}`);
          }
        } finally {
          await ctx.db.close();
        }
      }),
    );
  registerPricesExplain(prices, run);
  globalOptions(prices.command('apply'))
    .description('Re-price every stored list-estimate record with current prices and mileage.yaml overrides')
    .action((opts: GlobalOptions) =>
      run(async (term) => {
        const ctx = await openContext(opts);
        try {
          const summary = await pricingPass(ctx.db, priceBookFor(ctx.directory), true);
          await ctx.db.refreshLedger();
          term.out(
            opts.json
              ? JSON.stringify(summary)
              : `re-priced ${summary.priced.toLocaleString('en-US')} records over ${summary.targets} model-days; ${summary.unpricedModels} model(s) still unpriced`,
          );
        } finally {
          await ctx.db.close();
        }
      }),
    );
}
