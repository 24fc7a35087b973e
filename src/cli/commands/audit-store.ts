import type { AuditResult } from '../../audit/evaluate.js';
import type { RunSpec } from '../../audit/run-dir.js';
import type { GlobalOptions } from '../context.js';
import type { Terminal } from '../terminal.js';

/** Records a finished audit's verdicts in the store (no answer content): wired to the store in a later step. */
export async function storeAuditRun(
  _opts: GlobalOptions,
  _spec: RunSpec,
  _result: AuditResult,
  _finishedAt: string,
  _term: Terminal,
): Promise<void> {
  await Promise.resolve();
}
