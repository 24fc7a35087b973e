import {
  ClickHouseLogLevel,
  createClient,
  type ClickHouseClient,
  type ClickHouseSettings,
} from '@clickhouse/client';
import type { Row, SqlParam } from '../db.js';
import { clickhouseDialect } from '../sql/clickhouse-dialect.js';
import type { ClickHouseLocation } from './location.js';

/**
 * How inserts are sent. `sync`: each insert makes its own part (bulk loads: migrate, sync). `async`: the
 * server buffers small inserts from many clients and writes them together (ClickHouse's async inserts), for the
 * append paths where many processes send small batches (serve's OTLP receiver and ingest API, the gateway);
 * `wait_for_async_insert=1` answers only once the buffer is written, so an acknowledged record is on disk.
 */
export type InsertMode = 'sync' | 'async';

/**
 * Sent with every async insert, so they hold on any server whatever its profile. The defaults flush after at
 * most 200 ms or 10 MiB; a busy server may gather up to 1 s or 64 MiB, so a sustained stream makes a few large
 * parts instead of many small ones (merges keep up: no "too many parts"), while the adaptive timeout still
 * flushes a lone insert after 50 ms. Dedup is the table's (ReplacingMergeTree, deterministic ids), so the
 * async-insert dedup stays off.
 */
const ASYNC_INSERT: ClickHouseSettings = {
  async_insert: 1,
  wait_for_async_insert: 1,
  async_insert_use_adaptive_busy_timeout: 1,
  async_insert_busy_timeout_min_ms: 50,
  async_insert_busy_timeout_max_ms: 1000,
  async_insert_max_data_size: '67108864',
  async_insert_deduplicate: 0,
};

/**
 * One ClickHouse server (or a cluster's front) through the official client, returning rows in the shapes the
 * rest of Mileage reads from any store (db.ts `SqlValue`): decimals as exact strings, integers as numbers,
 * dates as 'YYYY-MM-DD', timestamps as ISO strings, NULL for an outer join's missing side.
 */
export class ClickHouseSql {
  private constructor(
    private readonly client: ClickHouseClient,
    readonly location: ClickHouseLocation,
    private readonly insertSettings: ClickHouseSettings = {},
  ) {}

  static connect(
    location: ClickHouseLocation,
    options: { database?: string; inserts?: InsertMode } = {},
  ): ClickHouseSql {
    const client = createClient({
      url: location.url,
      username: location.username,
      password: location.password,
      database: options.database ?? location.database,
      // Failures come back to the caller as errors naming the server (and are reported once, where the user
      // sees them); the client's own logger would print each one again, with its settings, on stderr.
      log: { level: ClickHouseLogLevel.OFF },
      // One statement of a ledger build or a report over months of records may run for minutes on a busy
      // server; the client's default (30 s) would abandon it midway.
      request_timeout: 600_000,
      clickhouse_settings: {
        ...clickhouseDialect.sessionSettings,
        // Exact money: decimals as strings (JSON numbers would go through a float), timestamps as ISO text.
        output_format_json_quote_decimals: 1,
        output_format_json_quote_64bit_integers: 0,
        date_time_output_format: 'iso',
        // Writers send ISO instants ('2026-03-01T10:00:00.000Z').
        date_time_input_format: 'best_effort',
      },
    });
    return new ClickHouseSql(client, location, options.inserts === 'async' ? ASYNC_INSERT : {});
  }

  async query<T extends Row = Row>(
    sql: string,
    params: Record<string, SqlParam | readonly string[]> = {},
  ): Promise<T[]> {
    try {
      const result = await this.client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
      return await result.json<T>();
    } catch (cause) {
      throw new Error(`ClickHouse query failed at ${this.location.display}: ${messageOf(cause)}`, { cause });
    }
  }

  /** A statement without rows (DDL, INSERT … SELECT, mutations). */
  async command(sql: string, params: Record<string, SqlParam> = {}): Promise<void> {
    try {
      await this.client.command({ query: sql, query_params: params });
    } catch (cause) {
      throw new Error(`ClickHouse statement failed at ${this.location.display}: ${messageOf(cause)}`, {
        cause,
      });
    }
  }

  /** Rows inserted as JSONEachRow (column names are the table's; absent columns take their defaults). */
  async insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    if (rows.length === 0) return;
    try {
      await this.client.insert({
        table,
        values: rows,
        format: 'JSONEachRow',
        clickhouse_settings: this.insertSettings,
      });
    } catch (cause) {
      throw new Error(
        `ClickHouse insert into ${table} failed at ${this.location.display}: ${messageOf(cause)}`,
        {
          cause,
        },
      );
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? (cause.message.split('\n')[0] ?? cause.message) : String(cause);
}
