import { parseSpendLogs, type LitellmContext } from '../../sources/spend/litellm/parse.js';
import { LitellmSpendLogReader, type SpendLogPosition } from '../../store/postgres/litellm-spend-logs.js';
import type { HttpStats } from '../http/client.js';
import { newest, type SyncFrom, type SyncPage } from '../sync/connector.js';

const DEFAULT_PAGE_ROWS = 1000;

function positionOf(text: string | null): SpendLogPosition | null {
  if (text === null) return null;
  try {
    const p = JSON.parse(text) as Partial<SpendLogPosition>;
    return typeof p.startTime === 'string' && typeof p.requestId === 'string'
      ? { startTime: p.startTime, requestId: p.requestId }
      : null;
  } catch {
    return null;
  }
}

/**
 * Spend log pages from LiteLLM's database, in (startTime, request_id) order from `since`. The position is
 * the last row's key, so a run stopped after any page resumes at the next row; the watermark is the newest
 * startTime read, and the next run starts an overlap before it (rows are written in batches, a little late).
 */
export async function* postgresPages(
  connectionString: string,
  ctx: Omit<LitellmContext, 'file'>,
  pageRows: number | undefined,
  stats: HttpStats,
  from: SyncFrom,
  signal?: AbortSignal,
): AsyncIterable<SyncPage> {
  const reader = await LitellmSpendLogReader.connect(connectionString);
  try {
    let after = positionOf(from.position);
    const limit = pageRows ?? DEFAULT_PAGE_ROWS;
    for (;;) {
      signal?.throwIfAborted();
      stats.requests++;
      const page = await reader.page(from.since, after, limit);
      const parsed = parseSpendLogs(page.rows, { ...ctx, file: reader.description });
      const high = newest(parsed.records.map((r) => r.start.toISOString()));
      const next = page.next === null ? null : JSON.stringify(page.next);
      yield { usage: parsed.records, problems: parsed.problems, next, high };
      if (page.next === null) return;
      after = page.next;
    }
  } finally {
    await reader.close();
  }
}
