import { execFileSync } from 'node:child_process';
import type { Stats } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { MileageError } from '../../domain/errors.js';
import { traceStep } from '../../domain/trace.js';
import { ingestAgentLogs, type AgentLogSummary } from '../../ingest/agent-logs/ingest.js';
import { agentTool, presentRoots, acceptFor, type AgentTool } from '../../ingest/agent-logs/locations.js';
import { TASK_AGENT_NAMES, TASK_AGENTS } from '../../sources/spend/task-agents/extensions.js';
import { machineId } from '../../ingest/agent-logs/machine-id.js';
import { rememberRun } from '../../ingest/agent-logs/manifest.js';
import { finishIngest } from '../../ingest/finish.js';
import type { PricingSummary } from '../../ingest/pricing-pass.js';
import { openContext, type CommandContext, type GlobalOptions } from '../context.js';
import { priceBookFor } from '../pricing.js';
import { answerFromManifest, answerNothingToRead } from '../quick-ingest.js';
import { globalOptions, type Run } from '../run.js';
import { printIngestSummary } from '../summary-output.js';
import type { Terminal } from '../terminal.js';

/**
 * `mileage ingest <agent>`: one agent's local logs into the store. Kept apart from the other agent-log
 * commands (scan, export-logs, bundles), which load git, bundles and reports: this one is an engineer's
 * first contact with Mileage and loads only what reading logs needs (src/cli/command-table.ts).
 */
export interface AgentOptions extends GlobalOptions {
  actor?: string;
}

/** Whose logs these are: --actor, else MILEAGE_USER, else the git identity, else the login name. */
export function localIdentity(explicit: string | undefined): string | null {
  if (explicit) return explicit;
  if (process.env.MILEAGE_USER) return process.env.MILEAGE_USER;
  try {
    const email = execFileSync('git', ['config', '--global', 'user.email'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (email) return email;
  } catch {
    // no git, or no identity configured
  }
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}

/** localIdentity, looked up on first use and then remembered. */
export function lazyIdentity(explicit: string | undefined): () => string | null {
  let known: { value: string | null } | undefined;
  return () => (known ??= { value: localIdentity(explicit) }).value;
}

export type AgentContext = CommandContext & { afterClose: (() => void)[] };

export async function ingestTool(
  ctx: AgentContext,
  tool: AgentTool,
  roots: string[],
  explicit: boolean,
  /** Asked only when a file has requests to store: finding the git identity starts a process. */
  actor: () => string | null,
  term: Terminal,
): Promise<AgentLogSummary> {
  const bar = term.progress(tool.name, 0);
  const seen = new Map<string, Stats>();
  try {
    const source = { ...(await tool.load()), accept: acceptFor(tool, explicit) };
    const rate =
      tool.name === 'copilot-cli'
        ? await (await import('../../ingest/copilot-rate.js')).orgPremiumRate(ctx.directory?.file)
        : undefined;
    const summary = await ingestAgentLogs(ctx.db, source, roots, {
      ...(rate ? { premiumRate: rate } : {}),
      actorFor: () => actor() ?? undefined,
      machineId: machineId(),
      prices: priceBookFor(ctx.directory),
      onProgress: (done, total) => bar.update(done, total),
      onSeen: (path, stat) => seen.set(path, stat),
    });
    ctx.afterClose.push(() => rememberRun(ctx.db.location, tool.source, roots, seen));
    return summary;
  } finally {
    bar.done();
  }
}

/**
 * Price and refresh the ledger only when something new arrived: a no-op re-run stays instant. With
 * `deferLedger` the ledger is only marked stale, for the next command that reads it to recompute.
 */
export async function finishIfChanged(
  ctx: CommandContext,
  changed: boolean,
  deferLedger = false,
): Promise<PricingSummary | null> {
  return changed ? finishIngest(ctx.db, priceBookFor(ctx.directory), { deferLedger }) : null;
}

function known(name: string): AgentTool {
  const tool = agentTool(name);
  if (!tool) throw new Error(`unknown agent tool ${name}`);
  return tool;
}

function registerToolIngest(ingest: Command, run: Run, tool: AgentTool, description: string): void {
  const defaults = tool.rootsHint ?? tool.defaultRoots({}, '~').join(', ');
  globalOptions(ingest.command(tool.name).argument('[dir]', `folder or file (default ${defaults})`))
    .option('--actor <email>', 'whose logs these are (default: MILEAGE_USER, then git user.email)')
    .description(description)
    .action((dir: string | undefined, opts: AgentOptions) =>
      run(async (term) => {
        const roots = dir ? [dir] : presentRoots(tool);
        if (roots.length === 0) {
          throw new MileageError(
            'not_found',
            `no ${tool.name} logs found (looked in ${tool.rootsHint ?? tool.defaultRoots(process.env, '~').join(', ')})`,
            `Pass the folder: \`mileage ingest ${tool.name} DIR\`.`,
          );
        }
        // Nothing appended since the last run: answered from the manifest, without opening the store.
        if (answerFromManifest(tool, roots, dir !== undefined, opts.db, opts, term)) return;
        // No file of the tool at all: nothing to store, so no store is opened (or created).
        if (answerNothingToRead(tool, roots, dir !== undefined, opts, term)) return;
        // Nothing reads the ledger after this command: it is left stale for the next one that does.
        let t = performance.now();
        const ctx = await agentContext(opts, true);
        traceStep('open store', t);
        try {
          const summary = await ingestTool(
            ctx,
            tool,
            roots,
            dir !== undefined,
            lazyIdentity(opts.actor),
            term,
          );
          const pricing = await finishIfChanged(ctx, summary.records > 0, true);
          printIngestSummary(term, summary, pricing, opts);
          if (!opts.json) printIncremental(term, summary);
        } finally {
          t = performance.now();
          await closeAgentContext(ctx);
          traceStep('close store', t);
        }
      }),
    );
}

/**
 * A one-shot job on someone's laptop: the store's memory is bounded (DuckDB spills beyond the limit).
 * `deferLedger`: a stale ledger is not recomputed at open (the command leaves it stale anyway).
 */
export async function agentContext(opts: GlobalOptions, deferLedger = false): Promise<AgentContext> {
  return { ...(await openContext(opts, { boundedMemory: true, deferLedger })), afterClose: [] };
}

/** Close the store, then note what was read: the manifest records the store as this run left it. */
export async function closeAgentContext(ctx: AgentContext): Promise<void> {
  await ctx.db.close();
  for (const after of ctx.afterClose) after();
}

function printIncremental(term: Terminal, s: AgentLogSummary): void {
  term.log(
    `  files: ${s.unchanged} unchanged, ${s.appended} appended (read from their last offset), ${s.whole} read whole`,
  );
}

/** `ingest claude-code`, `ingest codex` and the other agents, one subcommand each. */
export function registerAgentIngests(ingest: Command, run: Run): void {
  registerToolIngest(
    ingest,
    run,
    known('claude-code'),
    'Claude Code transcripts (JSONL), one record per request',
  );
  registerToolIngest(ingest, run, known('codex'), 'Codex CLI rollouts, per-turn token deltas');
  registerToolIngest(ingest, run, known('gemini'), 'Gemini CLI chat recordings');
  registerToolIngest(
    ingest,
    run,
    known('copilot-cli'),
    'GitHub Copilot CLI session logs (session-state events.jsonl) and OpenTelemetry file export',
  );
  for (const agent of TASK_AGENT_NAMES) {
    const { label, extensionId } = TASK_AGENTS[agent];
    registerToolIngest(
      ingest,
      run,
      known(agent),
      `${label} task histories (${extensionId}: tasks/<id>/ui_messages.json, state/taskHistory.json), one record per request`,
    );
  }
}
