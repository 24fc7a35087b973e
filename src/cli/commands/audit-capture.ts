import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { capturedWorkflows } from '../../audit/capture-files.js';
import { optInFor } from '../../audit/capture-opt-in.js';
import { scanCaptures } from '../../audit/capture-read.js';
import { parseCaptureLine, type CaptureProblem } from '../../audit/capture-record.js';
import { CaptureWriter, type CaptureStatus } from '../../audit/capture-writer.js';
import { MileageError } from '../../domain/errors.js';
import type { Run } from '../run.js';
import type { Terminal } from '../terminal.js';
import {
  captureOptions,
  notOptedIn,
  openCapture,
  plural,
  pruneLines,
  warnProblems,
  type CaptureOptions,
} from './audit-capture-settings.js';

/**
 * `mileage audit capture add|prune|status`: keeps requests of opted-in workflows for later audits, apart from
 * the store. `add` is how a workflow that is not behind the attribution gateway hands its captures over; the
 * opt-in, sample rate, daily cap and retention apply as they do for the gateway.
 */
export function registerAuditCapture(audit: Command, run: Run): void {
  const capture = audit
    .command('capture')
    .description('Captured requests of workflows that opted in (audit_capture in mileage.yaml)');
  captureOptions(
    capture
      .command('add [file]')
      .description('Capture records (JSONL, the capture format; "-" or none: stdin) of opted-in workflows'),
  ).action((file: string | undefined, opts: CaptureOptions) => run((term) => add(file, opts, term)));
  captureOptions(
    capture.command('prune').description("Delete captured days past their workflow's retention"),
  ).action((opts: CaptureOptions) => run((term) => prune(opts, term)));
  captureOptions(
    capture
      .command('status')
      .description('Per workflow: its opt-in and what is kept (counts, never content)'),
  ).action((opts: CaptureOptions) => run((term) => status(opts, term)));
}

async function readInput(file: string | undefined): Promise<{ name: string; text: string }> {
  if (file === undefined || file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return { name: '<stdin>', text: Buffer.concat(chunks).toString('utf8') };
  }
  try {
    return { name: file, text: await readFile(file, 'utf8') };
  } catch (error) {
    throw new MileageError('not_found', `cannot read ${file}`, undefined, { cause: error });
  }
}

async function add(file: string | undefined, opts: CaptureOptions, term: Terminal): Promise<void> {
  const { settings } = await openCapture(opts, term);
  const input = await readInput(file);
  const writer = new CaptureWriter(settings.root, settings.optIns);
  const problems: CaptureProblem[] = [];
  const refused = new Map<string, number>();
  const lines = input.text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (raw.trim() === '') continue;
    const parsed = parseCaptureLine(raw);
    if (!parsed.ok) {
      problems.push({ file: input.name, line: i + 1, field: parsed.field, message: parsed.message });
      continue;
    }
    const { v: _version, ...record } = parsed.record;
    const outcome = await writer.append(record);
    if (outcome.status === 'not_opted_in')
      refused.set(record.workflow, (refused.get(record.workflow) ?? 0) + 1);
    else if (outcome.status === 'invalid' || outcome.status === 'failed')
      problems.push({
        file: input.name,
        line: i + 1,
        field: outcome.status === 'invalid' ? outcome.field : null,
        message: outcome.message,
      });
  }
  warnProblems(term, problems);
  for (const [workflow, n] of refused)
    term.warn(`${notOptedIn(workflow, settings).message}: ${plural(n, 'record')} not kept`);
  const counts = { ...writer.counts, bad_lines: problems.length };
  if (counts.written === 0 && refused.size > 0 && counts.not_sampled + counts.day_full === 0)
    throw notOptedIn([...refused.keys()][0] ?? '', settings);
  term.out(
    opts.json
      ? JSON.stringify({ captureDir: settings.root, ...counts, problems }, null, 2)
      : `${plural(counts.written, 'request')} captured in ${settings.root}; ${countsLine(counts)}.`,
  );
}

function countsLine(counts: Record<CaptureStatus | 'bad_lines', number>): string {
  return [
    `${counts.not_sampled} left out by the sample rate`,
    `${counts.day_full} over the daily cap`,
    `${counts.expired} already past retention`,
    `${counts.not_opted_in} of workflows not opted in`,
    `${counts.bad_lines + counts.invalid} refused`,
  ].join(', ');
}

async function prune(opts: CaptureOptions, term: Terminal): Promise<void> {
  const { settings, pruned } = await openCapture(opts, term);
  term.out(
    opts.json
      ? JSON.stringify({ captureDir: settings.root, ...pruned }, null, 2)
      : pruneLines(pruned).length === 0
        ? `Nothing past retention in ${settings.root}.`
        : `${plural(pruned.expired.length + pruned.withdrawn.length, 'captured day')} deleted from ${settings.root}.`,
  );
}

async function status(opts: CaptureOptions, term: Terminal): Promise<void> {
  const { settings } = await openCapture(opts, term);
  const workflows = [
    ...new Set([...settings.optIns.map((o) => o.workflow), ...(await capturedWorkflows(settings.root))]),
  ].sort();
  const rows = [];
  for (const workflow of workflows) {
    const optIn = optInFor(settings.optIns, workflow) ?? null;
    // Counts only: each line is parsed and let go, never held or printed.
    const scan = await scanCaptures(settings.root, workflow, () => undefined);
    rows.push({
      workflow,
      optIn,
      days: scan.days.length,
      first: scan.days[0] ?? null,
      last: scan.days.at(-1) ?? null,
      records: scan.read,
      badLines: scan.problems.length,
      duplicates: scan.duplicates,
    });
  }
  if (opts.json) {
    term.out(JSON.stringify({ captureDir: settings.root, workflows: rows }, null, 2));
    return;
  }
  if (rows.length === 0) {
    term.out(`No workflow opts in to capture in ${settings.orgFile}.`);
    return;
  }
  term.out(
    rows
      .map((r) => {
        const kept = r.days
          ? `${plural(r.records, 'record')} over ${plural(r.days, 'day')} (${r.first}..${r.last})${r.badLines ? `, ${plural(r.badLines, 'bad line')}` : ''}`
          : 'nothing captured yet';
        return r.optIn
          ? `${r.workflow}: sample rate ${r.optIn.sample_rate}, kept ${plural(r.optIn.retention_days, 'day')}, at most ${r.optIn.max_cases_per_day} a day; ${kept}`
          : `${r.workflow}: not opted in; ${kept}`;
      })
      .join('\n'),
  );
}
