import { agentTool, acceptFor, presentRoots, type AgentTool } from '../ingest/agent-logs/locations.js';
import { nothingNew } from '../ingest/agent-logs/manifest.js';
import { emptySummary } from '../ingest/summary.js';
import { resolveDbPath } from '../store/open-path.js';
import { printIngestSummary } from './summary-output.js';
import type { Terminal } from './terminal.js';

/**
 * `mileage ingest <agent> [DIR]` when nothing was appended since the last run: answered from the manifest
 * beside the store, before the CLI, the parsers or the database driver are loaded (together they take
 * most of a second; this path takes about a tenth). Anything it does not recognise goes the full way.
 */
const VALUE_FLAGS = new Set(['--db', '--config', '--actor']);
const SWITCHES = new Set(['--json', '--verbose']);

export function quickIngest(argv: string[]): boolean {
  const [command, name, ...rest] = argv;
  if (command !== 'ingest' || !name) return false;
  const tool = agentTool(name);
  if (!tool) return false;
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    const [flag, inline] = arg.startsWith('--') ? (arg.split(/=(.*)/s) as [string, string?]) : [arg];
    if (VALUE_FLAGS.has(flag)) {
      const value = inline ?? rest[++i];
      if (value === undefined) return false;
      flags.set(flag, value);
    } else if (SWITCHES.has(flag) && inline === undefined) flags.set(flag, true);
    else if (arg.startsWith('-')) return false;
    else positional.push(arg);
  }
  if (positional.length > 1) return false;
  const dir = positional[0];
  const roots = dir ? [dir] : presentRoots(tool);
  if (roots.length === 0) return false;
  const db = flags.get('--db');
  const opts = { json: flags.get('--json') === true, verbose: flags.get('--verbose') === true };
  return answerFromManifest(tool, roots, dir !== undefined, typeof db === 'string' ? db : undefined, opts, {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    log: (text) => process.stderr.write(`${text}\n`),
    warn: (text) => process.stderr.write(`warning: ${text}\n`),
  });
}

/**
 * The answer when the manifest shows every file as the last run left it and the store untouched since;
 * false (and nothing printed) otherwise. Used by the early path above and by the command itself.
 */
export function answerFromManifest(
  tool: AgentTool,
  roots: string[],
  explicit: boolean,
  dbOption: string | undefined,
  opts: { json?: boolean; verbose?: boolean },
  term: Pick<Terminal, 'out' | 'log' | 'warn'>,
): boolean {
  const store = resolveDbPath(dbOption, process.env, process.cwd());
  const quiet = nothingNew(store, tool.source, roots, acceptFor(tool, explicit));
  if (!quiet) return false;
  const summary = { ...emptySummary(tool.source), files: quiet.files, unchanged: quiet.files };
  printIngestSummary(term, summary, null, opts);
  if (!opts.json) term.log(`  files: ${quiet.files} unchanged since the last run`);
  return true;
}
