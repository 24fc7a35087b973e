import type { ColumnSpec, ColumnType, TableSpec } from './columns.js';

/**
 * The small administrative tables a shared store needs besides the facts: `serve`'s API tokens (ingest, viewer,
 * manager, admin) and the gateway's virtual keys. DuckDB makes them itself (migration 6, gateway/keys.ts);
 * ClickHouse gets them from here. ClickHouse has no UPDATE for them, so each is a ReplacingMergeTree keyed by
 * id: a revocation writes the row again with `revoked_at` set and a newer `_version`, and every read (final=1)
 * sees the newest row of each id, on any server that shares the database.
 */
function keyed(name: string, columns: [string, ColumnType, boolean?][]): TableSpec {
  return {
    name,
    columns: columns.map(([n, type, required]): ColumnSpec => ({
      name: n,
      type,
      required: required ?? false,
    })),
    clickhouse: { engine: 'replacing', partitionBy: null, orderBy: ['id'] },
  };
}

/** Only each token's SHA-256 is kept (server/tokens.ts); an empty `teams` list means not scoped. */
export const API_TOKENS_TABLE: TableSpec = keyed('api_tokens', [
  ['id', 'text', true],
  ['name', 'text'],
  ['role', 'text', true],
  ['teams', 'text_list'],
  ['token_hash', 'text', true],
  ['created_at', 'timestamp', true],
  ['revoked_at', 'timestamp'],
  ['last_used_at', 'timestamp'],
]);

/** The gateway's virtual keys (gateway/keys.ts): only the key's SHA-256; models and alert_at as JSON text. */
export const GATEWAY_KEYS_TABLE: TableSpec = keyed('gateway_keys', [
  ['id', 'text', true],
  ['key_hash', 'text', true],
  ['team', 'text', true],
  ['person', 'text'],
  ['workflow', 'text'],
  ['workload_type', 'text'],
  ['models', 'text'],
  ['expires_at', 'timestamp'],
  ['sandbox', 'bool', true],
  ['created_at', 'timestamp', true],
  ['revoked_at', 'timestamp'],
  ['budget_usd', 'text'],
  ['alert_at', 'text'],
  ['cap_usd', 'text'],
]);

export const ADMIN_TABLES: readonly TableSpec[] = [API_TOKENS_TABLE, GATEWAY_KEYS_TABLE];
