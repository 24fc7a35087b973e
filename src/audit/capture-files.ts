import { readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { optInFor, type CaptureOptIn } from './capture-opt-in.js';

/**
 * Where captures live: `<root>/<workflow>/<YYYY-MM-DD>.jsonl`, one file per workflow and UTC day, so that
 * retention deletes whole days and never rewrites a file another process may be appending to. The root is
 * apart from the store (default `.mileage/capture`): the ledger never holds prompt or answer content.
 */
export const DEFAULT_CAPTURE_DIR = '.mileage/capture';

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;
/** The same rule as an org id: a directory name no path trick can escape. */
const WORKFLOW_DIR = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function workflowDir(root: string, workflow: string): string {
  return join(root, workflow);
}

export function dayFile(root: string, workflow: string, day: string): string {
  return join(workflowDir(root, workflow), `${day}.jsonl`);
}

export interface DayFile {
  day: string;
  file: string;
}

/** The workflow's day files, oldest first; none when it never captured. */
export async function dayFiles(root: string, workflow: string): Promise<DayFile[]> {
  const names = await readdir(workflowDir(root, workflow)).catch(() => [] as string[]);
  return names
    .map((name) => DAY_FILE.exec(name)?.[1])
    .filter((day): day is string => day !== undefined)
    .sort()
    .map((day) => ({ day, file: dayFile(root, workflow, day) }));
}

/** Workflows with a directory under the root (opted in or not: a withdrawn opt-in leaves one behind). */
export async function capturedWorkflows(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && WORKFLOW_DIR.test(e.name))
    .map((e) => e.name)
    .sort();
}

/** The first day a retention of `days` keeps at `now`: today and the days before it, `days` in all. */
export function firstKeptDay(now: Date, days: number): string {
  return new Date(now.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
}

export interface PruneReport {
  /** Day files deleted because their day fell out of the workflow's retention. */
  expired: { workflow: string; day: string }[];
  /** Day files deleted because their workflow no longer opts in: withdrawing consent deletes its captures. */
  withdrawn: { workflow: string; day: string }[];
}

/** Applies retention to one workflow: deletes its days before the first kept day, or all of them without an opt-in. */
export async function pruneWorkflow(
  root: string,
  workflow: string,
  optIns: readonly CaptureOptIn[],
  now: Date,
  report: PruneReport = { expired: [], withdrawn: [] },
): Promise<PruneReport> {
  const optIn = optInFor(optIns, workflow);
  const keepFrom = optIn ? firstKeptDay(now, optIn.retention_days) : null;
  for (const { day, file } of await dayFiles(root, workflow)) {
    if (keepFrom !== null && day >= keepFrom) continue;
    await rm(file, { force: true });
    (keepFrom === null ? report.withdrawn : report.expired).push({ workflow, day });
  }
  // An emptied directory of a withdrawn workflow goes too; rmdir refuses a directory that is not empty.
  if (!optIn) await rmdir(workflowDir(root, workflow)).catch(() => undefined);
  return report;
}

/** Applies retention to every workflow under the root. */
export async function pruneCaptures(
  root: string,
  optIns: readonly CaptureOptIn[],
  now: Date,
): Promise<PruneReport> {
  const report: PruneReport = { expired: [], withdrawn: [] };
  for (const workflow of await capturedWorkflows(root))
    await pruneWorkflow(root, workflow, optIns, now, report);
  return report;
}
