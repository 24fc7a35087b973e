import { z } from 'zod';
import type { HttpClient } from './http/client.js';
import { cursorPages, expectPage } from './cursor-pages.js';
import type { SyncPage } from './sync/connector.js';

/** The envelope Anthropic's and OpenAI's admin reports share (reference §4, §5). */
const envelopeSchema = z.object({
  data: z.array(z.unknown()),
  has_more: z.boolean().optional(),
  next_page: z.string().nullable().optional(),
});

export interface ReportPagesOptions {
  http: HttpClient;
  /** The request for one page: `page` is the cursor from the previous answer, null for the first. */
  url: (page: string | null) => URL;
  /** The cursor to start from (a resumed run), else null. */
  start: string | null;
  /** The page's records; `file` names the endpoint for problems. */
  parse: (body: unknown, file: string) => Omit<SyncPage, 'next'>;
  signal?: AbortSignal | undefined;
}

/**
 * Pages of a report paginated by `has_more` / `next_page`: the next page's cursor is the position the runner
 * stores, so a killed run resumes on the page it had not stored.
 */
export function reportPages(o: ReportPagesOptions): AsyncIterable<SyncPage> {
  return cursorPages({
    position: 'text',
    start: () => '',
    read: async (page: string) => {
      const url = o.url(page || null);
      const { body } = await o.http.getJson(url, o.signal);
      const envelope = expectPage(
        envelopeSchema,
        body,
        'GET',
        url,
        'a report page ({data, has_more, next_page})',
      );
      const next = envelope.has_more === true && envelope.next_page ? envelope.next_page : null;
      return { ...o.parse(body, `${url.host}${url.pathname}`), next };
    },
  })({ position: o.start }, o.signal);
}

/** The newest bucket start among records (the next watermark): a bucket still filling is re-read next time. */
export function newestStart(records: readonly { start: Date }[]): Date | null {
  let best: Date | null = null;
  for (const r of records) if (best === null || r.start > best) best = r.start;
  return best;
}
