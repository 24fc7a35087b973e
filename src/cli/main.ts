#!/usr/bin/env node
import { CommanderError } from 'commander';
import { programFor } from './command-table.js';
import { EXIT } from './exit-codes.js';
import { makeRun } from './run.js';

const program = await programFor(process.argv.slice(2), makeRun());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version exit 0; everything else commander rejects is a usage error.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    throw error;
  }
}
