import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { MileageError } from '../../domain/errors.js';
import { formatUsd, usd } from '../../domain/money.js';
import { formatProblem } from '../../domain/parse-result.js';
import { loadBundle, writeBundle } from '../../ingest/agent-logs/bundle.js';
import type { AgentLogSummary } from '../../ingest/agent-logs/ingest.js';
import { AGENT_TOOLS, presentRoots } from '../../ingest/agent-logs/locations.js';
import { machineId } from '../../ingest/agent-logs/machine-id.js';
import { ingestGit, type GitRepoSummary } from '../../ingest/git.js';
import { sessionCheckouts } from '../../ingest/agent-logs/session-checkouts.js';
import { DEFAULT_EXCLUDED_GLOBS } from '../../sources/delivery/git/index.js';
import { personalReport, type PersonalReport, type PersonalRow } from '../../metrics/personal.js';
import { openContext, type GlobalOptions } from '../context.js';
import { globalOptions, type Run } from '../run.js';
import { printIngestSummary } from '../summary-output.js';
import { DEFAULT_REWORK_WINDOW, describeRepository, parseWindow, progressReporter } from './ingest-git.js';
import type { Terminal } from '../terminal.js';
import {
  agentContext,
  closeAgentContext,
  finishIfChanged,
  ingestTool,
  localIdentity,
  registerAgentIngests,
  type AgentContext,
  type AgentOptions,
} from './agent-ingest.js';

export function registerAgentLogs(program: Command, ingest: Command, run: Run): void {
  registerAgentIngests(ingest, run);

  globalOptions(ingest.command('bundle').argument('<files...>', 'bundles written by `mileage export-logs`'))
    .description("Another machine's agent-log requests (a request already stored counts once)")
    .action((files: string[], opts: GlobalOptions) =>
      run(async (term) => {
        const ctx = await openContext(opts, { boundedMemory: true });
        try {
          for (const file of files) {
            if (!existsSync(file)) throw new MileageError('not_found', `${file}: no such file`);
          }
          const summaries = [];
          for (const file of files) summaries.push(await loadBundle(ctx.db, file));
          // Price and refresh the ledger once for all bundles, not once per bundle.
          const pricing = await finishIfChanged(
            ctx,
            summaries.some((s) => s.records > 0),
          );
          for (const summary of summaries) printIngestSummary(term, summary, pricing, opts);
        } finally {
          await ctx.db.close();
        }
      }),
    );

  globalOptions(
    program
      .command('export-logs')
      .requiredOption('--out <file>', 'bundle to write (gzipped JSONL)')
      .option('--actor <email>', 'whose logs these are (default: MILEAGE_USER, then git user.email)'),
  )
    .description("Bundle this machine's agent-log usage (no prompt or code text) for the org's store")
    .action((opts: AgentOptions & { out: string }) =>
      run(async (term) => {
        const ctx = await agentContext(opts);
        try {
          const user = localIdentity(opts.actor);
          let changed = false;
          for (const tool of AGENT_TOOLS) {
            const roots = presentRoots(tool);
            if (roots.length === 0) continue;
            // Ingest every tool: `changed ||= await …` would skip the tools after the first with news.
            const summary = await ingestTool(ctx, tool, roots, false, () => user, term);
            changed = changed || summary.records > 0;
          }
          await finishIfChanged(ctx, changed);
          const head = await writeBundle(
            ctx.db,
            opts.out,
            AGENT_TOOLS.map((t) => t.source),
            { user, machineId: machineId() },
          );
          if (opts.json) term.out(JSON.stringify({ out: opts.out, ...head }, null, 2));
          else
            term.out(`${opts.out}: ${head.requests.toLocaleString('en-US')} requests from ${head.machineId}`);
        } finally {
          await closeAgentContext(ctx);
        }
      }),
    );

  globalOptions(
    program
      .command('scan')
      .option('--actor <email>', 'whose logs these are')
      .option('--no-git', 'do not read merged work from the git checkouts the sessions worked in'),
  )
    .description(
      "Find this machine's agent logs and the git checkouts their sessions worked in, ingest them, and print your own spend report",
    )
    .action((opts: AgentOptions & { git: boolean }) =>
      run(async (term) => {
        const ctx = await agentContext(opts);
        try {
          const user = localIdentity(opts.actor);
          const found: { tool: string; roots: string[]; summary: AgentLogSummary }[] = [];
          for (const tool of AGENT_TOOLS) {
            const roots = presentRoots(tool);
            if (roots.length === 0) continue;
            found.push({
              tool: tool.name,
              roots,
              summary: await ingestTool(ctx, tool, roots, false, () => user, term),
            });
          }
          const repositories = opts.git ? await ingestSessionCheckouts(ctx, term) : [];
          const changed = found.some((f) => f.summary.records > 0) || repositories.some((r) => r.written > 0);
          await finishIfChanged(ctx, changed);
          const report = await personalReport(
            ctx.db,
            { since: opts.since ?? null, until: opts.until ?? null },
            user,
          );
          if (opts.json) {
            term.out(
              JSON.stringify(
                {
                  sources: found.map((f) => ({
                    ...f,
                    summary: { ...f.summary, problems: f.summary.problems.length },
                  })),
                  repositories: repositories.map((r) => r.repository),
                  report,
                },
                null,
                2,
              ),
            );
            return;
          }
          if (found.length === 0) {
            term.warn(
              'no Claude Code, Codex, Gemini CLI, Copilot CLI, Cline, Roo Code or Kilo Code logs found on this machine',
            );
          }
          for (const f of found) {
            const s = f.summary;
            term.log(
              `${f.tool}: ${s.files} files in ${f.roots.join(', ')} (${s.unchanged} unchanged), ${s.written.toLocaleString('en-US')} new requests` +
                (s.problems.length ? `, ${s.problems.length} bad lines skipped` : ''),
            );
            if (opts.verbose) for (const p of s.problems) term.log(`  ${formatProblem(p)}`);
          }
          for (const r of repositories) term.log(`git: ${describeRepository(r.repository)}`);
          printPersonal(term, report);
        } finally {
          await closeAgentContext(ctx);
        }
      }),
    );
}

/**
 * Merged work of each git checkout the stored sessions worked in (`ingest git` with its defaults), so the
 * personal report can put spend against delivery. A checkout git cannot read (no commits, no default
 * branch, a broken repository) is skipped with a warning: the agent spend stands without it.
 */
async function ingestSessionCheckouts(
  ctx: AgentContext,
  term: Terminal,
): Promise<{ repository: GitRepoSummary; written: number }[]> {
  const progress = progressReporter(term);
  const read: { repository: GitRepoSummary; written: number }[] = [];
  try {
    for (const root of await sessionCheckouts(ctx.db)) {
      try {
        const summary = await ingestGit(
          ctx.db,
          [root],
          {
            since: null,
            reworkWindowDays: parseWindow(DEFAULT_REWORK_WINDOW),
            full: false,
            excludeGlobs: DEFAULT_EXCLUDED_GLOBS,
          },
          (repo, phase, done, total) => progress.update(repo, phase, done, total),
        );
        for (const repository of summary.repositories) read.push({ repository, written: summary.written });
      } catch (cause) {
        progress.done();
        term.warn(`git: ${root} skipped (${cause instanceof Error ? cause.message : String(cause)})`);
      }
    }
  } finally {
    progress.done();
  }
  return read;
}

function printPersonal(term: Terminal, r: PersonalReport): void {
  const money = (v: string) => formatUsd(usd(v));
  const table = (title: string, rows: PersonalRow[], limit = 10) => {
    if (rows.length === 0) return;
    term.out(`\n${title}`);
    const width = Math.min(48, Math.max(...rows.slice(0, limit).map((x) => x.key.length)));
    for (const x of rows.slice(0, limit)) {
      const name = x.key.length > width ? `…${x.key.slice(-(width - 1))}` : x.key.padEnd(width);
      const unpriced = x.unpricedRecords > 0 ? `  (${x.unpricedRecords} unpriced)` : '';
      term.out(
        `  ${name}  ${money(x.cost).padStart(12)}  ${x.tokens.toLocaleString('en-US').padStart(16)} tokens${unpriced}`,
      );
    }
    if (rows.length > limit) term.out(`  … ${rows.length - limit} more`);
  };
  term.out(
    `Your agent spend: ${money(r.total.cost)} over ${r.total.requests.toLocaleString('en-US')} requests`,
  );
  table('By day (last 14)', r.byDay.slice(-14), 14);
  table('By tool', r.byTool);
  table('By model', r.byModel);
  table('By repository', r.byRepo);
  if (r.costPerMergedPr) {
    const c = r.costPerMergedPr;
    term.out(
      `\nCost per merged PR: ${money(c.perPr)} (${money(c.cost)} of your spend over ${c.prs} of your merged PRs, ${c.window.since} to ${c.window.until} exclusive; \`mileage query effectiveness.cost_per_merged_pr --by person --since ${c.window.since} --until ${c.window.until}\` shows the same figure)`,
    );
  } else {
    term.out(
      '\nCost per merged PR: no merged PR of yours in the window (`mileage ingest git` reads a repository the sessions did not work in).',
    );
  }
}
