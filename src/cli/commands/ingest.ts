import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { MileageError } from '../../domain/errors.js';
import { finishIngest } from '../../ingest/finish.js';
import { alertAfterIngest } from '../governance.js';
import {
  ingestAnthropicCost,
  ingestAnthropicUsage,
  ingestCursor,
  ingestEnvoyAiGateway,
  ingestGithub,
  ingestJira,
  ingestOutcomes,
} from '../../ingest/sources.js';
import type { IngestSummary } from '../../ingest/summary.js';
import { loadFocusFile } from '../../ingest/focus-file.js';
import { loadUsageFile } from '../../ingest/usage-file.js';
import { parseMapOption, usageFileMapping, type UsageFileMapping } from '../../ingest/usage-mapping.js';
import { formatIssue, loadSourceConfigs } from '../../org/index.js';
import type { Db } from '../../store/db.js';
import { openContext, type CommandContext, type GlobalOptions } from '../context.js';
import { registerAgentLogs } from './agent-logs.js';
import { registerIngestGit } from './ingest-git.js';
import { priceBookFor } from '../pricing.js';
import { globalOptions, type Run } from '../run.js';
import { printIngestSummary } from '../summary-output.js';
import type { Terminal } from '../terminal.js';

type IngestBody = (db: Db, org: string, term: Terminal, ctx: CommandContext) => Promise<IngestSummary>;

/** Shared shape of every ingest command: open, ingest, price, refresh the ledger, summarise. */
function ingestAction(run: Run, opts: GlobalOptions, body: IngestBody): Promise<void> {
  return run(async (term) => {
    const ctx = await openContext(opts);
    try {
      const summary = await body(ctx.db, ctx.org, term, ctx);
      const pricing = await finishIngest(ctx.db, priceBookFor(ctx.directory));
      printIngestSummary(term, summary, pricing, opts);
      await alertAfterIngest(ctx.db, ctx.directory, term);
    } finally {
      await ctx.db.close();
    }
  });
}

/** The `type: usage-file` entry named by --mapping, checked with the file's lines. */
async function savedMapping(ctx: CommandContext, name: string): Promise<UsageFileMapping> {
  const file = ctx.directory?.file;
  if (!file)
    throw new MileageError('config', `--mapping ${name}: no mileage.yaml was found`, 'Pass --config.');
  const sources = await loadSourceConfigs(file);
  if (!sources.ok) throw new MileageError('config', sources.error.map(formatIssue).join('\n'));
  const source = sources.value.find((s) => s.name === name);
  if (!source) throw new MileageError('not_found', `--mapping ${name}: no sources.${name} in ${file}`);
  const mapping = usageFileMapping(source);
  if (!mapping.ok) throw new MileageError('config', mapping.error.map(formatIssue).join('\n'));
  return mapping.value;
}

export function registerIngest(program: Command, run: Run): void {
  const ingest = program.command('ingest').description('Load spend and delivery data from files');
  registerIngestGit(ingest, run);

  registerAgentLogs(program, ingest, run);

  globalOptions(ingest.command('usage').argument('<file>', 'CSV, JSONL or Parquet file'))
    .description('Generic usage rows (documented fields; see docs/inputs.md, "Generic usage files")')
    .option('--format <format>', 'csv | jsonl | parquet (default from the extension)')
    .option('--source <name>', 'source name stored with each record (default: usage-file)')
    .option(
      '--map <pairs>',
      'file columns to Mileage fields: <column>=<field>,… e.g. ts=timestamp,usd=cost_usd',
    )
    .option('--mapping <name>', 'a saved mapping: sources.<name> (type: usage-file) in mileage.yaml')
    .action(
      (
        file: string,
        opts: GlobalOptions & { format?: string; source?: string; map?: string; mapping?: string },
      ) =>
        ingestAction(run, opts, async (db, _org, _term, ctx) => {
          const saved = opts.mapping ? await savedMapping(ctx, opts.mapping) : null;
          const columns = { ...saved?.columns, ...(opts.map ? parseMapOption(opts.map) : {}) };
          const format =
            opts.format ??
            saved?.format ??
            (file.endsWith('.parquet') ? 'parquet' : file.endsWith('.csv') ? 'csv' : 'jsonl');
          if (format !== 'csv' && format !== 'jsonl' && format !== 'parquet') {
            throw new MileageError('usage', `--format expects csv, jsonl or parquet, got "${format}"`);
          }
          if (!existsSync(file)) throw new MileageError('not_found', `${file}: no such file`);
          return loadUsageFile(db, {
            path: file,
            format,
            source: opts.source ?? saved?.source ?? 'usage-file',
            columns,
          });
        }),
    );

  globalOptions(ingest.command('focus').argument('<file>', 'FOCUS 1.2 cost-and-usage file, CSV or Parquet'))
    .description(
      'FinOps FOCUS export: its AI and Machine Learning rows (Azure OpenAI, Bedrock, Vertex…) as billed spend',
    )
    .option(
      '--cost <column>',
      'billed (BilledCost, the invoice) or effective (EffectiveCost, amortised)',
      'billed',
    )
    .action((file: string, opts: GlobalOptions & { cost: string }) =>
      ingestAction(run, opts, async (db, _org, term) => {
        if (opts.cost !== 'billed' && opts.cost !== 'effective') {
          throw new MileageError('usage', `--cost expects billed or effective, got "${opts.cost}"`);
        }
        if (!existsSync(file)) throw new MileageError('not_found', `${file}: no such file`);
        const format = file.endsWith('.parquet') ? 'parquet' : 'csv';
        const { summary, skipped } = await loadFocusFile(db, { path: file, format, cost: opts.cost });
        if (skipped)
          term.log(`${file}: ${skipped.toLocaleString('en-US')} rows of other service categories skipped`);
        return summary;
      }),
    );

  globalOptions(ingest.command('outcomes').argument('<files...>', 'CSV or JSONL files'))
    .description('Workflow outcomes (at, workflow, kind, count, value, actor, ref)')
    .action((files: string[], opts: GlobalOptions) =>
      ingestAction(run, opts, (db) => ingestOutcomes(db, files)),
    );

  globalOptions(
    ingest.command('anthropic-usage').argument('<files...>', 'saved usage_report/messages pages (JSON)'),
  )
    .description('Anthropic Admin API usage report pages')
    .action((files: string[], opts: GlobalOptions) =>
      ingestAction(run, opts, (db, org) => ingestAnthropicUsage(db, files, org)),
    );

  globalOptions(ingest.command('anthropic-cost').argument('<files...>', 'saved cost_report pages (JSON)'))
    .description('Anthropic Admin API cost report pages (billed)')
    .action((files: string[], opts: GlobalOptions) =>
      ingestAction(run, opts, (db, org) => ingestAnthropicCost(db, files, org)),
    );

  globalOptions(
    ingest.command('github').argument('<files...>', 'saved GraphQL PullRequest node arrays (JSON)'),
  )
    .requiredOption('--repo <owner/name>', 'repository the PRs belong to')
    .description('Merged GitHub pull requests')
    .action((files: string[], opts: GlobalOptions & { repo: string }) =>
      ingestAction(run, opts, (db) => ingestGithub(db, files, opts.repo)),
    );

  globalOptions(ingest.command('cursor').argument('<files...>', 'saved filtered-usage-events pages (JSON)'))
    .description('Cursor Admin API usage events')
    .action((files: string[], opts: GlobalOptions) =>
      ingestAction(run, opts, (db, org) => ingestCursor(db, files, org)),
    );

  globalOptions(
    ingest
      .command('envoy-ai-gateway')
      .argument('<files...>', 'access logs in the JSON format docs/sources.md gives (one entry per line)'),
  )
    .option('--key-field <name>', "the log field naming the client's key (default x-client-id)")
    .option(
      '--provider <backend=provider...>',
      'the provider of a backend (gen_ai.provider.name), for pricing: default/openai=openai',
    )
    .description(
      'Envoy AI Gateway / Tetrate Agent Router access logs: per-request token usage by key, route and backend',
    )
    .action((files: string[], opts: GlobalOptions & { keyField?: string; provider?: string[] }) =>
      ingestAction(run, opts, (db) =>
        ingestEnvoyAiGateway(db, files, {
          ...(opts.keyField ? { keyField: opts.keyField } : {}),
          providers: backendProviders(opts.provider ?? []),
        }),
      ),
    );

  globalOptions(ingest.command('jira').argument('<files...>', 'saved /rest/api/3/search/jql pages (JSON)'))
    .option('--points-field <id>', 'story points field id', 'customfield_10016')
    .description('Closed Jira tickets')
    .action((files: string[], opts: GlobalOptions & { pointsField: string }) =>
      ingestAction(run, opts, (db) => ingestJira(db, files, opts.pointsField)),
    );
}

/** `--provider default/openai=openai` pairs; a pair without `=` is refused, naming it. */
function backendProviders(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    if (at <= 0 || at === pair.length - 1)
      throw new MileageError(
        'usage',
        `--provider ${pair}: expected BACKEND=PROVIDER, e.g. default/openai=openai`,
      );
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}
