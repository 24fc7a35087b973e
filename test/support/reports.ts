import type { Handler, SeenRequest } from './replay-server.js';

/**
 * Replays an admin report paginated by `has_more` / `next_page` (Anthropic §4, OpenAI §5): the buckets in
 * the request's window, `limit` per page, the cursor an opaque `pg_<offset>` like the real APIs'.
 */
export function bucketReport<B>(
  buckets: readonly B[],
  opts: {
    /** A bucket's start, in ms. */
    startOf: (b: B) => number;
    /** The window the request asks for, in ms (end exclusive; null = open). */
    window: (req: SeenRequest) => { since: number; until: number | null };
    /** Extra envelope fields (OpenAI's `object: "page"`). */
    envelope?: Record<string, unknown>;
  },
): Handler {
  return (req) => {
    const { since, until } = opts.window(req);
    const inWindow = buckets.filter(
      (b) => opts.startOf(b) >= since && (until === null || opts.startOf(b) < until),
    );
    const limit = Number(req.query.get('limit') ?? 7);
    const offset = Number((req.query.get('page') ?? 'pg_0').slice(3));
    const data = inWindow.slice(offset, offset + limit);
    const end = offset + data.length;
    const hasMore = end < inWindow.length;
    return { json: { ...opts.envelope, data, has_more: hasMore, next_page: hasMore ? `pg_${end}` : null } };
  };
}

/** `YYYY-MM-DD` days from `first`, `n` of them. */
export function days(first: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++)
    out.push(new Date(Date.parse(`${first}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));
  return out;
}
