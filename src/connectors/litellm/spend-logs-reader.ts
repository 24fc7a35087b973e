import pg from 'pg';
import { MileageError } from '../../domain/errors.js';
import { sqlIdent } from '../../store/sql-text.js';

/**
 * A read-only reader of LiteLLM's own Postgres database (table `LiteLLM_SpendLogs`, reference §10.1): the
 * I/O of a source whose API is a database. Driver-backed source readers live with their connector, the one
 * place besides store/ that may import a database driver (eslint-rules/layers.js); they never write.
 *
 * Rows are read in keyset order (`startTime`, `request_id`) — the table has an index on exactly that pair —
 * so a page boundary is a position that survives a restart and never skips a row written with the same
 * instant. Prompt and response columns (`messages`, `response`, `proxy_server_request`) are never selected.
 */
const WANTED = [
  'request_id',
  'call_type',
  'api_key',
  'spend',
  'total_tokens',
  'prompt_tokens',
  'completion_tokens',
  'startTime',
  'endTime',
  'model',
  'model_group',
  'custom_llm_provider',
  'user',
  'team_id',
  'end_user',
  'session_id',
  'request_tags',
  'metadata',
  'status',
] as const;

const TABLE = 'LiteLLM_SpendLogs';
const TIMESTAMP_OID = 1114;

/** Where the next page starts: after this (startTime as Postgres wrote it, request_id) pair. */
export interface SpendLogPosition {
  startTime: string;
  requestId: string;
}

export interface SpendLogPage {
  rows: Record<string, unknown>[];
  /** The last row's position; null when the page was not full (nothing more to read now). */
  next: SpendLogPosition | null;
}

/** The connection string with its password replaced, for messages. */
export function describeConnection(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `postgres://${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    return 'the LiteLLM database';
  }
}

function failure(where: string, secret: string, cause: unknown): MileageError {
  const raw = cause instanceof Error ? cause.message : String(cause);
  return new MileageError(
    'upstream',
    `${where}: ${raw.replaceAll(secret, '…')}`,
    'Check that the database is reachable and that the connection string in the environment variable is right.',
    { cause },
  );
}

export class LitellmSpendLogReader {
  private constructor(
    private readonly client: pg.Client,
    private readonly where: string,
    private readonly secret: string,
    private readonly columns: string,
  ) {}

  static async connect(connectionString: string): Promise<LitellmSpendLogReader> {
    const where = describeConnection(connectionString);
    // Prisma's DateTime is `timestamp(3)` without a zone, holding UTC: read it as UTC, not as local time.
    const client = new pg.Client({
      connectionString,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === TIMESTAMP_OID
            ? (v: string) => new Date(`${v.replace(' ', 'T')}Z`)
            : (pg.types.getTypeParser(oid, format) as (
                v: string,
              ) => unknown)) as typeof pg.types.getTypeParser,
      },
    });
    try {
      await client.connect();
      const found = await client.query<{ column_name: string }>(
        'SELECT column_name FROM information_schema.columns WHERE table_name = $1',
        [TABLE],
      );
      const have = new Set(found.rows.map((r) => r.column_name));
      if (!have.has('request_id') || !have.has('startTime') || !have.has('spend')) {
        throw new Error(`table "${TABLE}" not found (or it lacks request_id, startTime, spend)`);
      }
      const columns = WANTED.filter((c) => have.has(c))
        .map((c) => sqlIdent(c))
        .join(', ');
      return new LitellmSpendLogReader(client, where, connectionString, columns);
    } catch (cause) {
      await client.end().catch(() => undefined);
      throw failure(where, connectionString, cause);
    }
  }

  /** Up to `limit` rows after `after`, else from `since` (inclusive), in keyset order. */
  async page(since: Date | null, after: SpendLogPosition | null, limit: number): Promise<SpendLogPage> {
    const params: unknown[] = [];
    let where = 'true';
    if (after !== null) {
      params.push(after.startTime, after.requestId);
      where = '("startTime", request_id) > ($1, $2)';
    } else if (since !== null) {
      params.push(since.toISOString());
      where = '"startTime" >= $1';
    }
    params.push(limit);
    const sql = `SELECT ${this.columns}, "startTime"::text AS start_text FROM ${sqlIdent(TABLE)}
      WHERE ${where} ORDER BY "startTime", request_id LIMIT $${params.length}`;
    let rows: Record<string, unknown>[];
    try {
      rows = (await this.client.query<Record<string, unknown>>(sql, params)).rows;
    } catch (cause) {
      throw failure(this.where, this.secret, cause);
    }
    const last = rows.at(-1);
    const next =
      rows.length === limit && last
        ? { startTime: String(last.start_text), requestId: String(last.request_id) }
        : null;
    return { rows: rows.map(({ start_text: _, ...row }) => row), next };
  }

  get description(): string {
    return `${this.where} "${TABLE}"`;
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
