import type { ColumnSpec, TableSpec } from './columns.js';

/** The outcomes table: one row per delivery fact (domain/outcome.ts). See usage-table.ts for the DuckDB side. */
const text = (name: string, required = false): ColumnSpec => ({ name, type: 'text', required });
const int = (name: string, required = false): ColumnSpec => ({ name, type: 'int', required });
const at = (name: string, required = false): ColumnSpec => ({ name, type: 'timestamp', required });

export const OUTCOMES_TABLE: TableSpec = {
  name: 'outcomes',
  columns: [
    text('id', true),
    text('source', true),
    text('kind', true),
    at('occurred_at', true),
    { name: 'day', type: 'date', required: true, derived: true },
    at('opened_at'),
    text('actor_hash'),
    text('actor_hint'),
    text('repo'),
    text('ref'),
    text('head_branch'),
    { name: 'linked_tickets', type: 'text_list' },
    int('additions'),
    int('deletions'),
    int('files'),
    int('effective_lines'),
    { name: 'points', type: 'double' },
    text('points_basis'),
    { name: 'ai_assisted', type: 'bool', required: true },
    text('ai_evidence'),
    { name: 'rework', type: 'bool', required: true },
    text('rework_reason'),
    text('category', true),
    text('work_type'),
    text('workflow'),
    int('count', true),
    { name: 'value', type: 'money' },
    at('first_review_at'),
    at('approved_at'),
    // Derived after every ledger refresh from other facts (outcome-links.ts), never written by a source.
    { name: 'session_evidence', type: 'text', derived: true },
    { name: 'linked_rework_reason', type: 'text', derived: true },
    text('unit_kind'),
    int('changed_lines'),
    int('young_lines'),
    // Epic lead time (migration 13): the epic a ticket or PR belongs to, and when work on it started.
    text('parent_ref'),
    at('started_at'),
  ],
  clickhouse: { engine: 'replacing', partitionBy: 'toYYYYMM(day)', orderBy: ['day', 'id'] },
};
