import type { Problem } from '../domain/parse-result.js';
import type { OutcomeRecord } from '../domain/outcome.js';
import {
  checkOutcomeRecord,
  checkUsageRecord,
  screenRecords,
  type FieldProblem,
} from '../domain/record-bounds.js';
import type { UsageRecord } from '../domain/usage.js';
import type { AppendResult } from '../store/db.js';

/**
 * Every ingest path checks its records with the one validator (domain/record-bounds.ts) before they reach
 * the store, naming the file (or request, or connector) they came from; the rejected ones become problems,
 * one per bad field, and the rest are kept.
 */
export function screenUsage(
  records: readonly UsageRecord[],
  file: string,
): { kept: UsageRecord[]; problems: Problem[] } {
  const { kept, rejected } = screenRecords(records, checkUsageRecord);
  return {
    kept,
    problems: rejected.flatMap((r) => asProblems(file, usageLabel(r.record), r.problems)),
  };
}

export function screenOutcomes(
  records: readonly OutcomeRecord[],
  file: string,
): { kept: OutcomeRecord[]; problems: Problem[] } {
  const { kept, rejected } = screenRecords(records, checkOutcomeRecord);
  return {
    kept,
    problems: rejected.flatMap((r) => asProblems(file, outcomeLabel(r.record), r.problems)),
  };
}

export function screenAny<T extends UsageRecord | OutcomeRecord>(
  kind: 'usage' | 'outcomes',
  records: readonly T[],
  file: string,
): { kept: T[]; problems: Problem[] } {
  return (
    kind === 'usage'
      ? screenUsage(records as readonly UsageRecord[], file)
      : screenOutcomes(records as readonly OutcomeRecord[], file)
  ) as { kept: T[]; problems: Problem[] };
}

/** Problems for what the store itself refused (its last check), by record id. */
export function storeRejections(result: AppendResult, file: string): Problem[] {
  return (result.refused ?? []).flatMap((r) => asProblems(file, `record ${r.id.slice(0, 12)}`, r.problems));
}

function asProblems(file: string, label: string, problems: readonly FieldProblem[]): Problem[] {
  return problems.map((p) => ({ file, line: null, field: p.field, message: `${label}: ${p.message}` }));
}

function safeTime(d: Date): string {
  return d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : String(d);
}

function usageLabel(r: UsageRecord): string {
  const model = typeof r.model === 'string' ? r.model.slice(0, 60) : 'no model';
  return `record ${model} at ${safeTime(r.start)} rejected`;
}

function outcomeLabel(r: OutcomeRecord): string {
  const ref = typeof r.ref === 'string' ? ` ${r.ref.slice(0, 60)}` : '';
  return `${String(r.kind).slice(0, 40)}${ref} at ${safeTime(r.at)} rejected`;
}
