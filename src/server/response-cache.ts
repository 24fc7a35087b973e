/**
 * Answers of read requests, kept until the store changes. The dashboard asks the same questions over and
 * over while the data moves only when records arrive, so each answer is computed once per data version and
 * per caller scope; identical requests arriving together share one computation. Least recently used
 * answers go first past `max` entries.
 */
export class ResponseCache {
  private version = 0;
  private readonly entries = new Map<string, Promise<{ status: number; body: string; type: string }>>();

  constructor(private readonly max: number) {}

  /** The store changed: every kept answer is stale. */
  invalidate(): void {
    this.version += 1;
    this.entries.clear();
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
    return new Response(e.body, { status: e.status, headers: { 'content-type': e.type } });
  }
}
