import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { MileageError } from '../domain/errors.js';

/**
 * An audit run's directory: `run.json` (what is audited: the workflow, the dataset by path and sha256, the
 * targets, incumbent first), `answers.jsonl` (the append-only results log) and `result.json` (the last
 * evaluation). Answers are content: the directory stays on the machine that ran the audit; the store keeps
 * only the verdicts and figures.
 */
export const runSpecSchema = z.strictObject({
  version: z.literal(1),
  id: z.string().min(1),
  workflow: z.string().min(1),
  dataset: z.strictObject({ path: z.string().min(1), sha256: z.string().length(64) }),
  /** Target ids, the incumbent first. */
  targets: z.array(z.string().min(1)).min(2),
  stream: z.boolean(),
  createdAt: z.string(),
});
export type RunSpec = z.infer<typeof runSpecSchema>;

export const RUN_FILES = { spec: 'run.json', answers: 'answers.jsonl', result: 'result.json' } as const;

/** `audit-20261207-0512-3f9a`: sortable by start, unique enough for one organisation. */
export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 13);
  return `audit-${stamp}-${randomBytes(2).toString('hex')}`;
}

export function readRunSpec(dir: string): RunSpec {
  const file = join(dir, RUN_FILES.spec);
  if (!existsSync(file))
    throw new MileageError(
      'not_found',
      `no audit run in ${dir} (${RUN_FILES.spec} missing)`,
      'Give the directory `audit run` wrote.',
    );
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new MileageError('input', `${file}: not JSON`, undefined, { cause: error });
  }
  const parsed = runSpecSchema.safeParse(raw);
  if (!parsed.success)
    throw new MileageError(
      'input',
      `${file}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`,
    );
  return parsed.data;
}

/** Creates the directory with its spec, or checks that an existing one is the same audit (a resume). */
export function openRunDir(dir: string, spec: RunSpec): RunSpec {
  const full = resolve(dir);
  if (existsSync(join(full, RUN_FILES.spec))) {
    const existing = readRunSpec(full);
    const same =
      existing.workflow === spec.workflow &&
      existing.dataset.sha256 === spec.dataset.sha256 &&
      existing.stream === spec.stream &&
      JSON.stringify(existing.targets) === JSON.stringify(spec.targets);
    if (!same)
      throw new MileageError(
        'conflict',
        `${full} holds another audit (${existing.workflow}, ${existing.targets.join(', ')})`,
        'Resume it with `audit run --resume DIR`, or give a new --out directory.',
      );
    return existing;
  }
  mkdirSync(full, { recursive: true });
  writeAtomic(join(full, RUN_FILES.spec), `${JSON.stringify(spec, null, 2)}\n`);
  return spec;
}

/** Write-then-rename: a killed process leaves the old file or the new one, never half of one. */
export function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
