import type { z } from 'zod';
import { MileageError } from '../domain/errors.js';
import { describeEndpoint } from './http/redact.js';
import { decodeJson } from './phases.js';
import { newest, type SyncPage } from './sync/connector.js';

/** One page as a connector reads it: the records and the position of the next page (null: the last). */
export type LoopPage<P> = Omit<SyncPage, 'next'> & { next: P | null };

/** Where a listing starts: the runner's (or a phase's) stored position, and whatever else the reader needs. */
export interface LoopFrom {
  position: string | null;
}

export interface CursorLoop<P, F extends LoopFrom> {
  /**
   * The shape of a stored position, kept as JSON: anything unreadable starts over (ids make re-reading
   * safe). `'text'` keeps an API's own token as is (a GraphQL cursor, Jira's nextPageToken).
   */
  position: [P] extends [string] ? z.ZodType<P> | 'text' : z.ZodType<P>;
  /** The first position of a listing that is not resuming. */
  start: (from: F) => P;
  /** One request: the page at `at`, mapped to records, and where the next one starts. */
  read: (at: P, from: F, signal?: AbortSignal) => Promise<LoopPage<P>>;
}

/**
 * The page loop every connector shares: decode the stored position (or start), read page after page, hand
 * each to the runner with the next position encoded as JSON, and stop at the first page without one. The
 * runner stores a page and only then its `next`, so a run stopped anywhere resumes at the first page not
 * stored. Works as a connector's listing and as a phase's (phases.ts).
 */
export function cursorPages<P, F extends LoopFrom>(loop: CursorLoop<P, F>) {
  return async function* (from: F, signal?: AbortSignal): AsyncIterable<SyncPage> {
    const text = loop.position === 'text';
    const decoded = text
      ? (from.position as P | null)
      : decodeJson(loop.position as z.ZodType<P>, from.position);
    let at = decoded ?? loop.start(from);
    for (;;) {
      signal?.throwIfAborted();
      const page = await loop.read(at, from, signal);
      const next = page.next === null ? null : text ? (page.next as string) : JSON.stringify(page.next);
      yield { ...page, next };
      if (page.next === null) return;
      at = page.next;
    }
  };
}

/**
 * The envelope check every listing makes: an answer that is no page of the expected shape is an upstream
 * error naming the request (never its query or headers), so the sync stops with the cursor on the last
 * good page instead of going on as if the page were empty.
 */
export function expectPage<S extends z.ZodType>(
  schema: S,
  body: unknown,
  method: string,
  url: URL,
  expected: string,
): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new MileageError('upstream', `${describeEndpoint(method, url)}: expected ${expected}`);
  return parsed.data;
}

/**
 * The watermark of a page: the newest updated-at among all its items, kept or skipped (a bad item still
 * moved the listing on). `pick` reads one item's instant as ISO text, leniently: items are not validated yet.
 */
export function pageHigh(
  items: readonly unknown[],
  pick: (item: Record<string, unknown>) => unknown,
): Date | null {
  return newest(
    items.map((i) => {
      if (i === null || typeof i !== 'object') return null;
      const v = pick(i as Record<string, unknown>);
      return typeof v === 'string' ? v : typeof v === 'number' ? new Date(v).toISOString() : null;
    }),
  );
}

/** The item's field `key` (for pageHigh). */
export const field =
  (key: string) =>
  (item: Record<string, unknown>): unknown =>
    item[key];
