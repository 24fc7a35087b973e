import type { Command } from 'commander';
import { openContext, type GlobalOptions } from '../context.js';
import { generateAndLoadDemo } from '../demo-load.js';
import { globalOptions, intOption, type Run } from '../run.js';
import { printIngestSummary } from '../summary-output.js';

interface DemoOpts extends GlobalOptions {
  seed: string;
  engineers: string;
  months: string;
  control?: boolean;
  out?: string;
}

export function registerDemo(program: Command, run: Run): void {
  globalOptions(program.command('demo'))
    .description('Generate a realistic demo organisation as source-shaped files and load it into the store')
    .option('--seed <n>', 'random seed; the same seed gives the same organisation', '42')
    .option('--engineers <n>', 'number of engineers', '30')
    .option('--months <n>', 'months of history', '6')
    .option('--control', 'plant no effects (a control organisation: the diagnostic should flag nothing)')
    .option('--out <dir>', 'where to write the files (default .mileage/demo-<seed>)')
    .action((opts: DemoOpts) =>
      run(async (term) => {
        const seed = intOption(opts.seed, '--seed', 0, 2 ** 31 - 1);
        const req = {
          seed,
          engineers: intOption(opts.engineers, '--engineers', 5, 2000),
          months: intOption(opts.months, '--months', 1, 24),
          control: opts.control === true,
          out: opts.out ?? `.mileage/demo-${seed}${opts.control ? '-control' : ''}`,
        };
        const ctx = await openContext({ ...opts, config: undefined });
        try {
          const loaded = await generateAndLoadDemo(ctx.db, req, term);
          printIngestSummary(term, loaded.summary, loaded.pricing, opts);
          term.log(
            `Demo files in ${loaded.dir} (org file: ${loaded.dir}/mileage.yaml); loaded in ${loaded.seconds.toFixed(1)} s.`,
          );
          term.log('Next: `mileage report weekly`.');
        } finally {
          await ctx.db.close();
        }
      }),
    );
}
