import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_CAPTURE_DIR, pruneCaptures, type PruneReport } from '../../audit/capture-files.js';
import { loadCaptureOptIns, optInFor, type CaptureOptIn } from '../../audit/capture-opt-in.js';
import { CaptureWriter } from '../../audit/capture-writer.js';
import type { CaptureProblem } from '../../audit/capture-record.js';
import { MileageError } from '../../domain/errors.js';
import { findOrgFile } from '../../org/load.js';
import type { Terminal } from '../terminal.js';

/** What every capture command needs: the opt-ins (from the org file) and the capture directory. */
export interface CaptureSettings {
  orgFile: string;
  optIns: CaptureOptIn[];
  root: string;
}

export interface CaptureOptions {
  config?: string;
  captureDir?: string;
  json?: boolean;
}

export function captureOptions(cmd: Command): Command {
  return cmd
    .option(
      '--capture-dir <dir>',
      `capture directory (default ./${DEFAULT_CAPTURE_DIR}, or $MILEAGE_CAPTURE_DIR)`,
    )
    .option('--config <file>', 'org file (default ./mileage.yaml, or $MILEAGE_CONFIG)')
    .option('--json', 'print JSON on stdout');
}

/**
 * Reads the opt-ins and applies retention to the whole capture directory before anything else: every
 * command that writes or reads captures enforces it, so an expired or withdrawn day never outlives a use.
 */
export async function openCapture(
  opts: CaptureOptions,
  term: Terminal,
): Promise<{ settings: CaptureSettings; pruned: PruneReport }> {
  const orgFile = findOrgFile({ explicit: opts.config, cwd: process.cwd(), env: process.env });
  if (!orgFile)
    throw new MileageError(
      'config',
      'no mileage.yaml: no workflow has opted in to capture',
      'A workflow opts in under audit_capture in mileage.yaml (docs/audits.md, "Capture").',
    );
  const optIns = await loadCaptureOptIns(orgFile);
  const root = resolve(opts.captureDir ?? process.env.MILEAGE_CAPTURE_DIR ?? DEFAULT_CAPTURE_DIR);
  const pruned = await pruneCaptures(root, optIns, new Date());
  for (const line of pruneLines(pruned)) term.log(line);
  return { settings: { orgFile, optIns, root }, pruned };
}

export function pruneLines(report: PruneReport): string[] {
  const lines: string[] = [];
  const byWorkflow = (list: { workflow: string; day: string }[]) => {
    const out = new Map<string, string[]>();
    for (const { workflow, day } of list) out.set(workflow, [...(out.get(workflow) ?? []), day]);
    return out;
  };
  for (const [workflow, days] of byWorkflow(report.expired))
    lines.push(
      `retention: deleted ${plural(days.length, 'captured day')} of ${workflow} (${days.join(', ')})`,
    );
  for (const [workflow, days] of byWorkflow(report.withdrawn))
    lines.push(
      `retention: deleted ${plural(days.length, 'captured day')} of ${workflow}, which no longer opts in to capture`,
    );
  return lines;
}

/** The refusal for a workflow without an opt-in: nothing of it may be captured or sampled. */
export function notOptedIn(workflow: string, settings: CaptureSettings): MileageError {
  return new MileageError(
    'config',
    `workflow ${workflow} has not opted in to capture in ${settings.orgFile}: nothing of it may be captured or sampled`,
    `Add it under audit_capture (workflow, sample_rate, retention_days) if its owners agree to keeping its requests (docs/audits.md, "Capture").`,
  );
}

/** Bad lines on stderr by file and line (their reasons never quote the line), the first few and a count. */
export function warnProblems(term: Terminal, problems: readonly CaptureProblem[]): void {
  for (const p of problems.slice(0, 5))
    term.warn(`${p.file}:${p.line}${p.field ? ` (${p.field})` : ''}: ${p.message}`);
  if (problems.length > 5) term.warn(`…and ${problems.length - 5} more lines refused`);
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * The gateway's capture: a writer when the org file opts any workflow in, else none, and then nothing is
 * captured and no answer is read. Retention runs at start, and then as the writer writes.
 */
export async function gatewayCapture(
  opts: { config?: string | undefined; captureDir?: string | undefined },
  term: Terminal,
): Promise<{ wants: (workflow: string) => boolean; writer: CaptureWriter } | undefined> {
  const orgFile = findOrgFile({ explicit: opts.config, cwd: process.cwd(), env: process.env });
  if (!orgFile) return undefined;
  const optIns = await loadCaptureOptIns(orgFile);
  if (optIns.length === 0) return undefined;
  const root = resolve(opts.captureDir ?? process.env.MILEAGE_CAPTURE_DIR ?? DEFAULT_CAPTURE_DIR);
  for (const line of pruneLines(await pruneCaptures(root, optIns, new Date()))) term.log(line);
  term.log(
    `Capturing sampled requests of ${optIns.map((o) => o.workflow).join(', ')} into ${root} for model audits (audit_capture in ${orgFile}).`,
  );
  return {
    wants: (workflow) => optInFor(optIns, workflow) !== undefined,
    writer: new CaptureWriter(root, optIns),
  };
}
