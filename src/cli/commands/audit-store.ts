import { existsSync } from 'node:fs';
import { monthlySpendOf, saveAuditRun } from '../../audit/stored-runs.js';
import type { AuditResult } from '../../audit/evaluate.js';
import type { RunSpec } from '../../audit/run-dir.js';
import { usd, type Usd } from '../../domain/money.js';
import type { Db } from '../../store/db.js';
import { resolveDbPath } from '../../store/open.js';
import { openContext, type GlobalOptions } from '../context.js';
import type { Terminal } from '../terminal.js';

/**
 * The store, when one exists: an audit reads the workflow's monthly spend from it and records its verdicts in
 * it. An audit still runs and reports without a store (or while a server holds it), saying so.
 */
export async function withAuditStore<T>(
  opts: GlobalOptions,
  term: Terminal,
  body: (db: Db) => Promise<T>,
): Promise<T | null> {
  const path = resolveDbPath(opts.db, process.env, process.cwd());
  if (!existsSync(path)) return null;
  try {
    const ctx = await openContext(opts);
    try {
      return await body(ctx.db);
    } finally {
      await ctx.db.close();
    }
  } catch (error) {
    term.warn(
      `the store at ${path} could not be used (${(error as Error).message}): the run is not recorded in it`,
    );
    return null;
  }
}

export async function monthlySpend(
  opts: GlobalOptions,
  term: Terminal,
  workflow: string,
): Promise<Usd | null> {
  const v = await withAuditStore(opts, term, (db) => monthlySpendOf(db, workflow));
  return v === null ? null : usd(v);
}

export async function storeAuditRun(
  opts: GlobalOptions,
  spec: RunSpec,
  result: AuditResult,
  finishedAt: string,
  term: Terminal,
): Promise<void> {
  const saved = await withAuditStore(opts, term, async (db) => {
    await saveAuditRun(db, { id: spec.id, workflow: spec.workflow, finishedAt, result });
    return true;
  });
  if (saved) term.log(`Recorded as ${spec.id} in the store (verdicts and figures only).`);
}
