import type { Command } from 'commander';
import { MissingSecretError } from '../../connectors/http/secrets.js';
import type { Connector } from '../../connectors/sync/connector.js';
import type { SyncSummary } from '../../connectors/sync/runner.js';
import { MileageError } from '../../domain/errors.js';
import { formatProblem } from '../../domain/parse-result.js';
import { parseDay } from '../../domain/time.js';
import { finishIngest } from '../../ingest/finish.js';
import { alertAfterIngest } from '../governance.js';
import { formatIssue, loadSourceConfigs, type OrgFileIssue } from '../../org/index.js';
import { openContext, type GlobalOptions } from '../context.js';
import { priceBookFor } from '../pricing.js';
import { dayOption, globalOptions, type Run } from '../run.js';
import type { Terminal } from '../terminal.js';

/** --since is a day in the org's time zone: start 14 hours before its UTC midnight so no zone starts later. */
const ZONE_MARGIN_MS = 14 * 3600_000;

interface SourceResult {
  source: string;
  summary: SyncSummary | null;
  error: string | null;
}

function configError(file: string, issues: OrgFileIssue[]): MileageError {
  return new MileageError(
    'config',
    `${file} has ${issues.length} problem${issues.length === 1 ? '' : 's'}:\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`,
    'Fix the lines above, then run the command again.',
  );
}

/** The configured sources that have a connector, or the one named (an error when it is not syncable). */
export async function connectorsFor(
  file: string,
  only: string | undefined,
  org?: string,
): Promise<Connector[]> {
  const sources = await loadSourceConfigs(file);
  if (!sources.ok) throw configError(file, sources.error);
  // Loaded on use: the connectors' clients (Postgres, protobuf) slow every other command's start-up.
  const { createConnector, connectorType } = await import('../../connectors/registry.js');
  const connectors: Connector[] = [];
  const issues: OrgFileIssue[] = [];
  for (const source of sources.value) {
    if (only !== undefined && source.name !== only) continue;
    const type = connectorType(source);
    if (!type.ok) {
      issues.push(...type.error);
      continue;
    }
    if (type.value === null) {
      if (only !== undefined)
        throw new MileageError('usage', `source "${only}" is not an API source that mileage sync reads`);
      continue;
    }
    try {
      const c = createConnector(type.value, source, { env: process.env, now: Date.now, org });
      if (c.ok) connectors.push(c.value);
      else issues.push(...c.error);
    } catch (e) {
      // Every missing secret is reported at once, at its line: one run tells the user all they must export.
      if (!(e instanceof MissingSecretError)) throw e;
      issues.push(
        source.issueAt(
          [e.field],
          `the environment variable ${e.variable} is not set (export it before running; the value never goes in mileage.yaml)`,
        ),
      );
    }
  }
  if (issues.length) throw configError(file, issues);
  if (only !== undefined && connectors.length === 0) {
    throw new MileageError('not_found', `no source named "${only}" in ${file}`);
  }
  return connectors;
}

function printSummaries(term: Terminal, results: SourceResult[], opts: GlobalOptions): void {
  if (opts.json) {
    term.out(JSON.stringify({ sources: results }, null, 2));
    return;
  }
  for (const r of results) {
    const s = r.summary;
    if (!s) {
      term.out(`${r.source}: failed: ${r.error ?? 'unknown error'}`);
      continue;
    }
    term.out(
      `${s.source}: ${s.records.toLocaleString('en-US')} records in ${s.pages} page${s.pages === 1 ? '' : 's'} (${s.alreadyStored.toLocaleString('en-US')} already stored), ${s.retries} retr${s.retries === 1 ? 'y' : 'ies'}, ${s.problems.length} problem${s.problems.length === 1 ? '' : 's'}${s.resumed ? ', resumed' : ''}`,
    );
    if (s.problems.length && opts.verbose) for (const p of s.problems) term.log(`  ${formatProblem(p)}`);
  }
}

export function registerSync(program: Command, run: Run): void {
  globalOptions(
    program
      .command('sync')
      .argument('[source]', 'one source name from mileage.yaml (default: every API source configured)'),
  )
    .description(
      'Pull merged PRs/MRs and closed tickets from forges and trackers, and usage, costs and seats from AI vendors, as mileage.yaml lists them',
    )
    .action((only: string | undefined, opts: GlobalOptions) =>
      run(async (term) => {
        const since = opts.since
          ? new Date(parseDay(dayOption(opts.since, '--since')).getTime() - ZONE_MARGIN_MS)
          : undefined;
        const ctx = await openContext(opts);
        try {
          const file = ctx.directory?.file;
          if (!file) {
            throw new MileageError(
              'config',
              'mileage sync reads its sources from mileage.yaml, and none was found',
              'Create one with `mileage init`, add a `sources:` entry (docs/syncing.md), or pass --config.',
            );
          }
          const connectors = await connectorsFor(file, only, ctx.directory?.org);
          const { runSync } = await import('../../connectors/sync/runner.js');
          if (connectors.length === 0) term.warn(`no API sources in ${file}: nothing to sync`);
          const results: SourceResult[] = [];
          for (const c of connectors) {
            const activity = term.activity(c.name);
            try {
              const summary = await runSync(ctx.db, c, {
                since,
                onProgress: (p) => activity.update(`${p.pages} pages, ${p.records} records`),
              });
              results.push({ source: c.name, summary, error: null });
            } catch (error) {
              if (!(error instanceof MileageError)) throw error;
              results.push({ source: c.name, summary: null, error: error.message });
            } finally {
              activity.done();
            }
          }
          await finishIngest(ctx.db, priceBookFor(ctx.directory));
          printSummaries(term, results, opts);
          await alertAfterIngest(ctx.db, ctx.directory, term);
          const failed = results.filter((r) => r.error !== null);
          if (failed.length) {
            throw new MileageError(
              'upstream',
              `${failed.map((r) => r.source).join(', ')} did not finish: ${failed[0]?.error ?? ''}`,
              'Records already stored are kept; running mileage sync again resumes where it stopped.',
            );
          }
        } finally {
          await ctx.db.close();
        }
      }),
    );
}
