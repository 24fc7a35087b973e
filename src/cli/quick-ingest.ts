import { agentTool, acceptFor, presentRoots, type AgentTool } from '../ingest/agent-logs/locations.js';
import { nothingNew } from '../ingest/agent-logs/manifest.js';
import { gitNothingNew } from '../ingest/git-manifest.js';
import { walkFiles } from '../ingest/walk.js';
import { existsSync } from 'node:fs';
import { findOrgFile } from '../org/find.js';
import { emptySummary } from '../ingest/summary.js';
import { resolveDbPath } from '../store/open-path.js';
import { describeRepository, upToDateSummary } from './git-summary.js';
import { printIngestSummary } from './summary-output.js';
import type { Terminal } from './terminal.js';

/**
 * `mileage ingest <agent> [DIR]` when nothing was appended since the last run: answered from the manifest
 * beside the store, before the CLI, the parsers or the database driver are loaded (together they take
 * most of a second; this path takes about a tenth). Anything it does not recognise goes the full way.
 */
const VALUE_FLAGS = new Set(['--db', '--config', '--actor']);
const SWITCHES = new Set(['--json', '--verbose']);

const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
const stderrTerm = {
  out,
  log: (text: string) => process.stderr.write(`${text}\n`),
  warn: (text: string) => process.stderr.write(`warning: ${text}\n`),
};

export function quickIngest(argv: string[]): boolean {
  const [command, name, ...rest] = argv;
  if (command !== 'ingest' || !name) return false;
  if (name === 'git') return quickGitIngest(rest);
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
  return (
    answerFromManifest(
      tool,
      roots,
      dir !== undefined,
      typeof db === 'string' ? db : undefined,
      opts,
      stderrTerm,
    ) || answerNothingToRead(tool, roots, dir !== undefined, opts, stderrTerm)
  );
}

/**
 * `mileage ingest git [PATH...]` when every repository is as the last run left it (git-manifest.ts). Options
 * that only shape what a walk would read (--since, --rework-window, --exclude) change nothing when there is
 * nothing to walk; a value the command would reject, and anything that fetches or re-reads (--full,
 * --fetch-pr-refs), go the full way.
 */
const GIT_VALUE_FLAGS = new Set(['--db', '--config', '--since', '--until', '--rework-window', '--exclude']);
const GIT_SWITCHES = new Set(['--json', '--verbose', '--no-default-excludes']);
const GIT_VALUES: Record<string, RegExp> = {
  '--since': /^\d{4}-\d{2}-\d{2}$/,
  '--until': /^\d{4}-\d{2}-\d{2}$/,
  '--rework-window': /^\d+(?:\.\d+)?[dwmy]?$/,
};

function quickGitIngest(rest: string[]): boolean {
  const flags = new Map<string, string | true>();
  const paths: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    const [flag, inline] = arg.startsWith('--') ? (arg.split(/=(.*)/s) as [string, string?]) : [arg];
    if (GIT_VALUE_FLAGS.has(flag)) {
      const value = inline ?? rest[++i];
      if (value === undefined || !(GIT_VALUES[flag]?.test(value.trim()) ?? true)) return false;
      flags.set(flag, value);
    } else if (GIT_SWITCHES.has(flag) && inline === undefined) flags.set(flag, true);
    else if (arg.startsWith('-')) return false;
    else paths.push(arg);
  }
  const db = flags.get('--db');
  const config = flags.get('--config');
  const store = resolveDbPath(typeof db === 'string' ? db : undefined, process.env, process.cwd());
  const orgPath = findOrgFile({
    explicit: typeof config === 'string' ? config : undefined,
    cwd: process.cwd(),
    env: process.env,
  });
  const repos = gitNothingNew(store, paths.length > 0 ? paths : ['.'], orgPath);
  if (!repos) return false;
  const opts = { json: flags.get('--json') === true, verbose: flags.get('--verbose') === true };
  const summary = upToDateSummary(repos);
  printIngestSummary(stderrTerm, summary, null, opts);
  if (!opts.json) for (const r of summary.repositories) out(`  ${describeRepository(r)}`);
  return true;
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

/**
 * The answer when the folders hold no file of the tool at all (and nothing was skipped with a reason to
 * report): the summary an ingest would print, without opening or creating the store, whose driver alone
 * costs more than the rest of the command. False (nothing printed) otherwise, or when a folder is missing
 * (the full path says so).
 */
export function answerNothingToRead(
  tool: AgentTool,
  roots: string[],
  explicit: boolean,
  opts: { json?: boolean; verbose?: boolean },
  term: Pick<Terminal, 'out' | 'log' | 'warn'>,
): boolean {
  const accept = acceptFor(tool, explicit);
  for (const root of roots) {
    if (!existsSync(root)) return false;
    const { files, skipped } = walkFiles(root, accept);
    if (files.length > 0 || skipped.length > 0) return false;
  }
  // In the order of the full path's summary (AgentLogSummary), for the same --json.
  const { source, files, records, written, alreadyStored, problems } = emptySummary(tool.source);
  const summary = {
    source,
    files,
    unchanged: 0,
    appended: 0,
    whole: 0,
    bulk: 0,
    records,
    written,
    alreadyStored,
    problems,
  };
  printIngestSummary(term, summary, null, opts);
  if (!opts.json) term.log('  files: 0 unchanged, 0 appended (read from their last offset), 0 read whole');
  return true;
}
