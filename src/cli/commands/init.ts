import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { MileageError } from '../../domain/errors.js';
import { STARTER_ORG_FILE } from '../../org/starter.js';
import type { Run } from '../run.js';

export function registerInit(program: Command, run: Run): void {
  program
    .command('init')
    .description('Write a commented starter mileage.yaml')
    .option('--config <file>', 'where to write it', 'mileage.yaml')
    .option('--force', 'overwrite an existing file')
    .action((opts: { config: string; force?: boolean }) =>
      run(async (term) => {
        if (existsSync(opts.config) && !opts.force) {
          throw new MileageError(
            'conflict',
            `${opts.config} already exists`,
            'Pass --force to overwrite it, or --config to write elsewhere.',
          );
        }
        await writeFile(opts.config, STARTER_ORG_FILE);
        term.log(`Wrote ${opts.config}. Edit it, then check it with \`mileage org check\`.`);
      }),
    );
}
