import type { ColumnSpec, TableSpec } from './columns.js';

/**
 * The usage table: one row per spend fact (domain/usage.ts), identity hashed, no prompt or code content.
 * The DuckDB store reaches this shape through its migrations (duckdb/schema.ts, never edited once released);
 * tables/catalog.test.ts holds the two to the same columns and types.
 */
const text = (name: string, required = false): ColumnSpec => ({ name, type: 'text', required });
const int = (name: string, required = false): ColumnSpec => ({ name, type: 'int', required });

export const USAGE_TABLE: TableSpec = {
  name: 'usage',
  columns: [
    text('id', true),
    text('source', true),
    text('stream'),
    text('granularity', true),
    { name: 'start_at', type: 'timestamp', required: true },
    { name: 'end_at', type: 'timestamp', required: true },
    { name: 'day', type: 'date', required: true, derived: true },
    text('tool'),
    text('provider'),
    text('model'),
    int('input_tokens', true),
    int('cache_read_tokens', true),
    int('cache_write_tokens', true),
    int('output_tokens', true),
    int('reasoning_tokens', true),
    int('requests', true),
    { name: 'cost', type: 'money' },
    { name: 'est_cost', type: 'money', derived: true },
    text('cost_basis', true),
    text('price_ref'),
    text('dedup_key'),
    text('actor_hash'),
    text('actor_hint'),
    text('key_hash'),
    text('key_hint'),
    text('workspace'),
    text('session_id'),
    text('repo'),
    text('branch'),
    text('workflow'),
    text('team_tag'),
    text('machine_id'),
    text('tool_version'),
    text('collapse_key'),
    { name: 'replica', type: 'bool' },
    { name: 'cwd', type: 'text', derived: true },
    { name: 'counted', type: 'bool', derived: true },
    // Billed dimensions (store/duckdb/dimensions.ts): NULL only on rows kept before the store had them.
    int('cache_write_1h_tokens'),
    int('audio_input_tokens'),
    int('audio_output_tokens'),
    int('web_search_requests'),
    int('web_fetch_requests'),
    int('code_execution_requests'),
    text('service_tier'),
    { name: 'batch', type: 'bool' },
    text('context_tier'),
    text('inference_geo'),
    text('speed'),
    // How the gateway served a request (gateway/record.ts): NULL on every other source's rows.
    int('status'),
    int('latency_ms'),
    int('ttft_ms'),
    { name: 'client_aborted', type: 'bool' },
  ],
  clickhouse: {
    engine: 'replacing',
    partitionBy: 'toYYYYMM(day)',
    // Stream and day first (the ledger's cells, every metric's time window), the id last: the replacing key.
    orderBy: ['stream', 'day', 'id'],
  },
};
