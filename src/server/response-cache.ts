/**
 * What the server keeps per data version. The dashboard asks the same questions over and over while the
 * data moves only when records arrive, so:
 * - answers of read requests are computed once per data version and per caller scope (`get`); identical
 *   requests arriving together share one computation; least recently used answers go first past `max`;
 * - values that many answers need — the data's first and last day, filter lists, directory names — are
 *   computed once per data version (`value`), whether or not answers are kept.
 * `invalidate` (records stored, ledger refreshed) forgets both.
 */
export class ResponseCache {
  private version = 0;
  private readonly entries = new Map<
    string,
    Promise<{ status: number; body: string; type: string; disposition: string | null }>
  >();
  private readonly values = new Map<string, Promise<unknown>>();
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly max: number,
    private readonly maxValues = 1_000,
  ) {}

  /** The store changed: every kept answer and value is stale. */
  invalidate(): void {
    this.version += 1;
    this.entries.clear();
    this.values.clear();
    for (const listener of this.listeners) listener();
  }

  /** Told after every invalidation (to warm what is asked for first). */
  onInvalidate(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** The data version answers are kept for: it changes on every invalidation. */
  get dataVersion(): number {
    return this.version;
  }

  async get(key: string, compute: () => Promise<Response>): Promise<Response> {
    if (this.max <= 0) return compute();
    const full = `${this.version}\u0000${key}`;
    let entry = this.entries.get(full);
    if (entry) {
      this.entries.delete(full);
      this.entries.set(full, entry);
    } else {
      entry = compute().then(async (res) => ({
        status: res.status,
        body: await res.text(),
        type: res.headers.get('content-type') ?? 'application/json',
        // A download (CSV) keeps its file name.
        disposition: res.headers.get('content-disposition'),
      }));
      this.entries.set(full, entry);
      // Errors are not kept: the next request computes again.
      entry.then(
        (e) => e.status !== 200 && this.entries.delete(full),
        () => this.entries.delete(full),
      );
      while (this.entries.size > this.max) {
        const oldest = this.entries.keys().next().value as string;
        this.entries.delete(oldest);
      }
    }
    const e = await entry;
    const headers: Record<string, string> = { 'content-type': e.type };
    if (e.disposition !== null) headers['content-disposition'] = e.disposition;
    return new Response(e.body, { status: e.status, headers });
  }

  /** A value computed once per data version (a failure is not kept). */
  value<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const kept = this.values.get(key) as Promise<T> | undefined;
    if (kept) return kept;
    const version = this.version;
    const made = compute();
    this.values.set(key, made);
    made.catch(() => {
      if (this.version === version) this.values.delete(key);
    });
    if (this.values.size > this.maxValues) this.values.delete(this.values.keys().next().value as string);
    return made;
  }
}

/**
 * The cache key of a read request: its path and its parameters in a fixed order, so `?by=team&since=…` and
 * `?since=…&by=team` share an answer. The caller's scope is prefixed by the caller.
 */
export function requestKey(url: string): string {
  const u = new URL(url);
  const params = [...u.searchParams.entries()].sort(([a, x], [b, y]) =>
    a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1,
  );
  return `${u.pathname}?${new URLSearchParams(params).toString()}`;
}
