import { Option, type Command } from 'commander';
import { MileageError } from '../domain/errors.js';
import { parseDay } from '../domain/time.js';
import { exitCodeFor, EXIT } from './exit-codes.js';
import { paint, processTerminal, type Terminal } from './terminal.js';

export type Run = (body: (term: Terminal) => Promise<void>) => Promise<void>;

/**
 * Runs a command body and turns its outcome into an exit code, once, here: commands never call
 * process.exit. Expected errors print their message and what to do next; anything else is a bug.
 */
export function makeRun(term: Terminal = processTerminal()): Run {
  return async (body) => {
    try {
      await body(term);
      process.exitCode = EXIT.ok;
    } catch (error) {
      if (error instanceof MileageError) {
        term.log(`${paint(term.color, 'red', 'error')}: ${error.message}`);
        if (error.hint) term.log(`  ${error.hint}`);
        process.exitCode = exitCodeFor(error.code);
      } else {
        term.log(
          `${paint(term.color, 'red', 'internal error')}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        term.log('  This is a bug in Mileage; please report it with the command you ran.');
        process.exitCode = EXIT.failure;
      }
    }
  };
}

/** The options every reporting command takes. */
export function globalOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--db <path>', 'store file (default ./.mileage/mileage.duckdb, or $MILEAGE_DB)'))
    .addOption(
      new Option(
        '--store <location>',
        'the store: a file like --db, or clickhouse://user@host:8123/db (password in $MILEAGE_CLICKHOUSE_PASSWORD)',
      ).conflicts('db'),
    )
    .hook('preAction', (_self, action) => {
      // One name for the store inside the commands: --store is --db that also takes a server.
      const store = action.getOptionValue('store') as string | undefined;
      if (store !== undefined) action.setOptionValue('db', store);
    })
    .addOption(new Option('--config <file>', 'org file (default ./mileage.yaml, or $MILEAGE_CONFIG)'))
    .option('--json', 'print JSON on stdout')
    .option('--verbose', 'list every skipped line and detail on stderr')
    .option('--since <day>', 'first day, YYYY-MM-DD (org time zone)')
    .option('--until <day>', 'day after the last, YYYY-MM-DD (exclusive)');
}

export function dayOption(value: string, name: string): string {
  try {
    parseDay(value);
    return value;
  } catch {
    throw new MileageError('usage', `${name} expects a day as YYYY-MM-DD, got "${value}"`);
  }
}

export function intOption(value: string, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new MileageError('usage', `${name} expects a whole number from ${min} to ${max}, got "${value}"`);
  }
  return n;
}
