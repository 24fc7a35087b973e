import { Command } from 'commander';
import { VERSION } from './version.js';

/** The `mileage` command itself, before any subcommand is registered on it. */
export function baseProgram(): Command {
  return new Command('mileage')
    .description('Tells an organisation whether its AI spend is producing anything.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
}
