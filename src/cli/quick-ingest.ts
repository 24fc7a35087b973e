import { agentTool, acceptFor, presentRoots } from '../ingest/agent-logs/locations.js';
import { nothingNew } from '../ingest/agent-logs/manifest.js';
import { resolveDbPath } from '../store/open-path.js';

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
  const store = resolveDbPath(typeof db === 'string' ? db : undefined, process.env, process.cwd());
  const quiet = nothingNew(store, tool.source, roots, acceptFor(tool, dir !== undefined));
  if (!quiet) return false;
  if (flags.get('--json')) {
    const summary = {
      source: tool.source,
      files: quiet.files,
      unchanged: quiet.files,
      records: 0,
      written: 0,
    };
    process.stdout.write(
      `${JSON.stringify({ ...summary, alreadyStored: 0, problems: [], pricing: null }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(`${tool.source}: ${quiet.files} files, 0 records, 0 written (0 already stored)\n`);
    process.stderr.write(`  files: ${quiet.files} unchanged since the last run\n`);
  }
  return true;
}
