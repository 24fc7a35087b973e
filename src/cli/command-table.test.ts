import { describe, expect, it } from 'vitest';
import { programFor } from './command-table.js';
import { buildProgram } from './program.js';
import { makeRun } from './run.js';

const run = makeRun();
const names = (args: string[]) => programFor(args, run).then((p) => p.commands.map((c) => c.name()));

describe('the program for one command line', () => {
  it('registers every top-level command of the full CLI, with the same options, when the line names it', async () => {
    const full = buildProgram(run);
    for (const command of full.commands) {
      const name = command.name();
      if (name === 'help') continue;
      const program = await programFor([name], run);
      // Not the full CLI: a command missing from the table would load every command's modules.
      expect(program.commands.length, name).toBeLessThan(full.commands.length);
      const lean = program.commands.find((c) => c.name() === name);
      expect(lean, name).toBeDefined();
      expect(
        lean?.options.map((o) => o.flags),
        name,
      ).toEqual(command.options.map((o) => o.flags));
      expect(
        lean?.commands.map((c) => c.name()),
        name,
      ).toEqual(command.commands.map((c) => c.name()));
    }
  });

  it('`ingest <agent>` registers the agent-log readers alone, with the options of the full CLI', async () => {
    const lean = await programFor(['ingest', 'codex', 'dir'], run);
    expect(lean.commands.map((c) => c.name())).toEqual(['ingest']);
    const ingest = lean.commands[0];
    expect(ingest?.commands.map((c) => c.name())).not.toContain('git');
    const fullCodex = buildProgram(run)
      .commands.find((c) => c.name() === 'ingest')
      ?.commands.find((c) => c.name() === 'codex');
    const leanCodex = ingest?.commands.find((c) => c.name() === 'codex');
    expect(leanCodex?.options.map((o) => o.flags)).toEqual(fullCodex?.options.map((o) => o.flags));
  });

  it('every command for no command, --help, help and a typo; none for --version', async () => {
    const all = buildProgram(run).commands.length;
    for (const args of [[], ['--help'], ['help', 'ingest'], ['reprot']])
      expect(await names(args)).toHaveLength(all);
    expect(await names(['--version'])).toEqual([]);
    expect(await names(['report', 'weekly'])).toEqual(['report']);
  });
});
