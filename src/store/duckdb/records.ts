import { identityHash, redact } from '../../domain/ids.js';
import { toStorage } from '../../domain/money.js';
import type { OutcomeRecord } from '../../domain/outcome.js';
import { repositoryKey, storedRepositoryKey } from '../../domain/repository.js';
import type { UsageRecord } from '../../domain/usage.js';
import { csvText } from './csv.js';
import { OUTCOMES_TABLE } from '../tables/outcomes-table.js';
import { USAGE_TABLE } from '../tables/usage-table.js';
import { writtenColumnsDuckDb } from '../tables/ddl.js';
import { dimensionRow } from './dimensions.js';

/**
 * Records flattened to the stored row shape. Identity values are hashed here, at the last moment before
 * storage, so no raw email, login or key id is ever written.
 */
// Few distinct people and keys recur across millions of records: hash each once.
const hashes = new Map<string, { hash: string; hint: string }>();
export function hashed(value: string): { hash: string; hint: string } {
  let h = hashes.get(value);
  if (!h) {
    if (hashes.size > 100_000) hashes.clear();
    h = { hash: identityHash(value), hint: redact(value) };
    hashes.set(value, h);
  }
  return h;
}

export function usageRow(r: UsageRecord): Record<string, string | number | boolean | null> {
  const h = r.hints;
  const actor = h.actorHashed ?? (h.actor ? hashed(h.actor) : null);
  const key = h.keyHashed ?? (h.keyId ? hashed(h.keyId) : null);
  return {
    id: r.id,
    source: r.source,
    stream: r.stream,
    granularity: r.granularity,
    start_at: r.start.toISOString(),
    end_at: r.end.toISOString(),
    tool: r.tool,
    provider: r.provider,
    model: r.model,
    input_tokens: r.tokens.input,
    cache_read_tokens: r.tokens.cacheRead,
    cache_write_tokens: r.tokens.cacheWrite,
    output_tokens: r.tokens.output,
    reasoning_tokens: r.tokens.reasoning,
    requests: r.requests,
    cost: r.cost.amount === null ? null : toStorage(r.cost.amount),
    cost_basis: r.cost.basis,
    price_ref: r.cost.priceRef,
    dedup_key: r.dedupKey ?? null,
    actor_hash: actor?.hash ?? null,
    actor_hint: actor?.hint ?? null,
    key_hash: key?.hash ?? null,
    key_hint: key?.hint ?? null,
    workspace: h.workspace ?? null,
    session_id: h.sessionId ?? null,
    repo: h.repo ? repositoryKey(h.repo) : null,
    branch: h.branch ?? null,
    workflow: h.workflow ?? null,
    team_tag: h.teamTag ?? null,
    machine_id: h.machineId ?? null,
    tool_version: h.toolVersion ?? null,
    collapse_key: r.collapse?.key ?? null,
    replica: r.collapse?.replica ?? false,
    ...dimensionRow(r),
    status: r.served?.status ?? null,
    latency_ms: r.served?.latencyMs ?? null,
    ttft_ms: r.served?.ttftMs ?? null,
    client_aborted: r.served ? (r.served.clientAborted ?? false) : null,
  };
}

/** The usage columns a writer supplies, with their DuckDB types: from the table catalog (tables/usage-table.ts). */
export const USAGE_JSON_COLUMNS: Record<string, string> = writtenColumnsDuckDb(USAGE_TABLE);

/** Usage rows as CSV, in USAGE_JSON_COLUMNS order: smaller and much faster to write and read than JSON. */
export function usageCsv(records: readonly UsageRecord[]): string {
  return csvText(records.map(usageRow), Object.keys(USAGE_JSON_COLUMNS));
}

export function outcomeRow(r: OutcomeRecord): Record<string, string | number | boolean | string[] | null> {
  return {
    id: r.id,
    source: r.source,
    kind: r.kind,
    occurred_at: r.at.toISOString(),
    opened_at: r.openedAt ? r.openedAt.toISOString() : null,
    actor_hash: r.actor ? identityHash(r.actor) : null,
    actor_hint: r.actor ? redact(r.actor) : null,
    repo: r.repo ? storedRepositoryKey(r.repo, r.source) : null,
    ref: r.ref,
    head_branch: r.headBranch,
    linked_tickets: r.linkedTickets,
    additions: r.size?.additions ?? null,
    deletions: r.size?.deletions ?? null,
    files: r.size?.files ?? null,
    effective_lines: r.size?.effectiveLines ?? null,
    points: r.points,
    points_basis: r.pointsBasis,
    ai_assisted: r.aiAssisted,
    ai_evidence: r.aiEvidence,
    rework: r.rework,
    rework_reason: r.reworkReason,
    category: r.category,
    first_review_at: r.firstReviewAt ? r.firstReviewAt.toISOString() : null,
    approved_at: r.approvedAt ? r.approvedAt.toISOString() : null,
    work_type: r.workType,
    workflow: r.workflow,
    unit_kind: r.unitKind ?? null,
    changed_lines: r.changedLines ?? null,
    young_lines: r.youngLines ?? null,
    parent_ref: r.parentRef ?? null,
    started_at: r.startedAt ? r.startedAt.toISOString() : null,
    count: r.count,
    value: r.value === null ? null : toStorage(r.value),
  };
}

/** The outcome columns a writer supplies, with their DuckDB types: from the table catalog. */
export const OUTCOME_JSON_COLUMNS: Record<string, string> = writtenColumnsDuckDb(OUTCOMES_TABLE);
