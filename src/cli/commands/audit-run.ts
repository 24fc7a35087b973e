import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { QualityBar } from '../../audit/bar.js';
import { currentVersion } from '../../audit/bar-versions.js';
import { loadDataset, REQUEST_FORMATS, type RequestFormat } from '../../audit/dataset.js';
import { evaluate, type AuditResult } from '../../audit/evaluate.js';
import { renderMarkdown } from '../../audit/render-markdown.js';
import { ResultsLog } from '../../audit/results-log.js';
import {
  newRunId,
  openRunDir,
  readRunSpec,
  RUN_FILES,
  writeAtomic,
  type RunSpec,
} from '../../audit/run-dir.js';
import { dryRunEstimate, runAudit, type RunInputs } from '../../audit/runner.js';
import { parseTarget } from '../../audit/target.js';
import { MileageError } from '../../domain/errors.js';
import { formatUsd, usd, type Usd } from '../../domain/money.js';
import { readDirectory, type GlobalOptions } from '../context.js';
import { priceBookFor } from '../pricing.js';
import { intOption, type Run } from '../run.js';
import type { Terminal } from '../terminal.js';
import { barsInForce } from './audit-bars.js';
import { monthlySpend, storeAuditRun } from './audit-store.js';

interface RunOptions extends GlobalOptions {
  workflow?: string;
  dataset?: string;
  format?: string;
  incumbent?: string;
  candidate?: string[];
  out?: string;
  resume?: string;
  replay?: string;
  concurrency?: string;
  rpm?: string;
  maxSpend?: string;
  dryRun?: boolean;
  stream?: boolean;
  cache?: string | false;
  store?: boolean;
}

const collect = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

export function registerAuditRun(audit: Command, run: Run): void {
  audit
    .command('run')
    .description(
      'Replay a workload on its incumbent and cheaper candidates, score them against its quality bar',
    )
    .option('--workflow <id>', 'the workflow whose quality bar (mileage.yaml quality_bars) is the standard')
    .option('--dataset <file>', 'JSONL of cases: {"id","request","reference"?,"tags"?,"format"?}')
    .option('--format <api>', `request format of cases that name none: ${REQUEST_FORMATS.join(', ')}`)
    .option('--incumbent <target>', 'the model the workload runs on now, as [api:]model[@base-url]')
    .option('--candidate <target>', 'a model to audit (repeat, or separate with commas)', collect)
    .option('--out <dir>', 'run directory (default .mileage/audits/<run id>); an existing one is resumed')
    .option('--resume <dir>', 'continue a run that stopped (killed, capped, failed calls)')
    .option('--replay <dir>', "re-score a run's recorded answers against the current bar, calling no model")
    .option('--concurrency <n>', 'requests in flight at once (default 8)')
    .option('--rpm <n>', 'requests per minute per model (default: no limit)')
    .option('--max-spend <usd>', "the audit's own spending cap, in USD")
    .option('--dry-run', 'print what the calls still to make could cost, and stop')
    .option('--stream', 'ask for streamed responses')
    .option('--cache <file>', 'shared response cache (default .mileage/audit-cache.jsonl)')
    .option('--no-cache', 'do not read or write the shared response cache')
    .option('--no-store', 'do not record the run in the store')
    .option('--config <file>', 'org file (default ./mileage.yaml, or $MILEAGE_CONFIG)')
    .option('--db <path>', 'store file (default ./.mileage/mileage.duckdb, or $MILEAGE_DB)')
    .option('--json', 'print the result as JSON on stdout')
    .action((opts: RunOptions) => run((term) => auditRun(opts, term)));
}

async function barFor(opts: RunOptions, workflow: string): Promise<QualityBar> {
  const { combined, file } = await barsInForce(opts);
  const conflict = combined.conflicts.find((c) => c.workflow === workflow);
  if (conflict)
    throw new MileageError(
      'config',
      conflict.message,
      'GET /api/v1/quality-bars/<workflow> lists every version and where it is written.',
    );
  const bar = currentVersion(combined, workflow)?.bar ?? null;
  if (!bar)
    throw new MileageError(
      'config',
      `no quality bar for workflow "${workflow}" in ${file ?? 'mileage.yaml (none found)'} or written through the API`,
      'Write down what a good answer must satisfy under quality_bars, or PUT it to /api/v1/quality-bars/<workflow> (docs/audits.md): an audit without a bar has no verdict.',
    );
  return bar;
}

function newSpec(opts: RunOptions, sha256: string): RunSpec {
  if (!opts.workflow || !opts.dataset || !opts.incumbent || !opts.candidate?.length)
    throw new MileageError(
      'usage',
      'give --workflow, --dataset, --incumbent and at least one --candidate (or --resume/--replay DIR)',
    );
  const targets = [opts.incumbent, ...opts.candidate].map((t) => parseTarget(t).id);
  if (new Set(targets).size !== targets.length)
    throw new MileageError('usage', 'the same model is named twice');
  return {
    version: 1,
    id: newRunId(new Date()),
    workflow: opts.workflow,
    dataset: { path: resolve(opts.dataset), sha256 },
    targets,
    stream: opts.stream === true,
    createdAt: new Date().toISOString(),
  };
}

async function auditRun(opts: RunOptions, term: Terminal): Promise<void> {
  const existingDir = opts.replay ?? opts.resume ?? null;
  const format = opts.format as RequestFormat | undefined;
  if (format !== undefined && !REQUEST_FORMATS.includes(format))
    throw new MileageError('usage', `--format expects one of ${REQUEST_FORMATS.join(', ')}, got "${format}"`);
  let spec: RunSpec | null = existingDir ? readRunSpec(existingDir) : null;
  const datasetPath = spec?.dataset.path ?? opts.dataset;
  if (!datasetPath) throw new MileageError('usage', 'give --dataset FILE (or --resume/--replay DIR)');
  const dataset = await loadDataset(datasetPath, format).catch((error: unknown) => {
    throw new MileageError('not_found', `cannot read the dataset ${datasetPath}`, undefined, {
      cause: error,
    });
  });
  if (spec && spec.dataset.sha256 !== dataset.sha256)
    throw new MileageError(
      'conflict',
      `${datasetPath} changed since run ${spec.id} started`,
      'Start a new run on the new dataset.',
    );
  for (const p of dataset.problems.slice(0, 5))
    term.warn(`${datasetPath}:${p.line}${p.field ? ` (${p.field})` : ''}: ${p.message}`);
  if (dataset.problems.length > 5) term.warn(`…and ${dataset.problems.length - 5} more lines refused`);
  if (dataset.cases.length === 0) throw new MileageError('input', `${datasetPath} has no usable case`);

  spec ??= newSpec(opts, dataset.sha256);
  const dir = resolve(existingDir ?? opts.out ?? `.mileage/audits/${spec.id}`);
  if (!opts.replay) spec = openRunDir(dir, spec);
  const bar = await barFor(opts, spec.workflow);
  const directory = await readDirectory(opts);
  const book = priceBookFor(directory);
  const inputs: RunInputs = {
    cases: dataset.cases,
    targets: spec.targets.map(parseTarget),
    bar,
    stream: spec.stream,
  };
  const log = new ResultsLog(resolve(dir, RUN_FILES.answers));
  try {
    if (opts.dryRun) {
      const rows = dryRunEstimate(inputs, log, book);
      const lines = rows.map(
        (r) =>
          `${r.target}: ${r.calls} calls, at most ${r.atMost === null ? 'unpriced (no list price)' : formatUsd(r.atMost, 2)}`,
      );
      const known = rows.every((r) => r.atMost !== null);
      const total = rows.reduce((s, r) => s.plus(r.atMost ?? 0), usd(0));
      term.out(
        opts.json
          ? JSON.stringify(
              { run: spec.id, estimate: rows.map((r) => ({ ...r, atMost: r.atMost?.toFixed() ?? null })) },
              null,
              2,
            )
          : `${lines.join('\n')}\nAt most ${formatUsd(total, 2)}${known ? '' : ' plus unpriced calls'} (outputs at their max_tokens cap; judges not included).`,
      );
      return;
    }
    if (!opts.replay) {
      const maxSpend = opts.maxSpend === undefined ? null : spendOption(opts.maxSpend);
      const cachePath = opts.cache === false ? null : resolve(opts.cache ?? '.mileage/audit-cache.jsonl');
      const cache = cachePath ? new ResultsLog(cachePath) : null;
      const progress = term.progress(`auditing ${spec.workflow}`, 0);
      try {
        const outcome = await runAudit(inputs, {
          log,
          cache,
          book,
          env: process.env,
          concurrency: opts.concurrency ? intOption(opts.concurrency, '--concurrency', 1, 256) : 8,
          requestsPerMinute: opts.rpm ? intOption(opts.rpm, '--rpm', 1, 1_000_000) : 0,
          maxSpend,
          onProgress: (p) => progress.update(p.done, p.total),
        });
        progress.done();
        term.log(
          `${outcome.called} calls made, ${outcome.fromLog} answers already recorded, ${outcome.fromCache} from the cache; the audit has spent ${formatUsd(outcome.spent, 2)}.`,
        );
        for (const u of outcome.untranslatable.slice(0, 5))
          term.warn(`case ${u.case} cannot be sent to ${u.target}: ${u.error}`);
        if (outcome.failures.length > 0) {
          for (const f of outcome.failures.slice(0, 5))
            term.warn(`case ${f.case} on ${f.target}: ${f.error}`);
          term.warn(
            `${outcome.failures.length} calls failed: run \`mileage audit run --resume ${dir}\` to retry them.`,
          );
        }
        if (outcome.skippedByCap > 0)
          term.warn(
            `the spending cap left ${outcome.skippedByCap} calls unmade: resume with a higher --max-spend to finish.`,
          );
      } finally {
        cache?.close();
      }
    }
    const spend = opts.store === false ? null : await monthlySpend(opts, term, spec.workflow);
    const result = evaluate(inputs, bar, log, book, spend);
    const finishedAt = new Date().toISOString();
    if (!opts.replay)
      writeAtomic(
        resolve(dir, RUN_FILES.result),
        `${JSON.stringify({ run: spec.id, finishedAt, result }, null, 2)}\n`,
      );
    if (opts.store !== false && !opts.replay) await storeAuditRun(opts, spec, result, finishedAt, term);
    term.out(
      opts.json
        ? JSON.stringify(resultJson(spec, result, opts.replay !== undefined), null, 2)
        : renderMarkdown(result, { runId: spec.id, workflow: spec.workflow, finishedAt }),
    );
    if (!opts.json && !opts.replay)
      term.log(`Run directory: ${dir} (resume or replay it with --resume/--replay).`);
  } finally {
    log.close();
  }
}

export function resultJson(spec: RunSpec, result: AuditResult, replay: boolean) {
  return { run: spec.id, workflow: spec.workflow, replayed: replay, ...result };
}

function spendOption(raw: string): Usd {
  if (!/^\d+(\.\d+)?$/.test(raw.trim()))
    throw new MileageError('usage', `--max-spend expects an amount in USD such as 25, got "${raw}"`);
  return usd(raw.trim());
}
