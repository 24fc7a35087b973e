import { z } from 'zod';
import { parseSpendLogs, type LitellmContext } from '../../sources/spend/litellm/parse.js';
import { LitellmSpendLogReader, type SpendLogPosition } from './spend-logs-reader.js';
import { cursorPages } from '../cursor-pages.js';
import type { HttpStats } from '../http/client.js';
import { newest, type SyncFrom, type SyncPage } from '../sync/connector.js';

const DEFAULT_PAGE_ROWS = 1000;

/** The last row read, (startTime, request_id); null before the first page. */
const positionSchema = z.object({ startTime: z.string(), requestId: z.string() }).nullable();

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
  const limit = pageRows ?? DEFAULT_PAGE_ROWS;
  try {
    yield* cursorPages({
      position: positionSchema,
      start: () => null,
      read: async (after: SpendLogPosition | null, f: SyncFrom) => {
        stats.requests++;
        const page = await reader.page(f.since, after, limit);
        const parsed = parseSpendLogs(page.rows, { ...ctx, file: reader.description });
        const high = newest(parsed.records.map((r) => r.start.toISOString()));
        return { usage: parsed.records, problems: parsed.problems, next: page.next, high };
      },
    })(from, signal);
  } finally {
    await reader.close();
  }
}
