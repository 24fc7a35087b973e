/**
 * Group commit for a store that takes concurrent writes (ClickHouse): callers `submit` items and wait for the
 * write that holds them; while `slots` writes are in flight, what arrives gathers into the next group, which
 * starts as soon as a slot frees. So a lone request is written at once, and under load each write carries
 * every request that arrived during the previous one: few large inserts instead of one per request, and no
 * request waits behind a queue of earlier writes one at a time (the DuckDB path's single connection).
 */
export class GroupCommit<T> {
  private open: Group<T> | null = null;
  /** Full groups closed while every slot was busy, oldest first. */
  private readonly waiting: Group<T>[] = [];
  private running = 0;
  private readonly idle = new Set<() => void>();

  constructor(
    /** Writes one group; true when every item is stored (false or a throw fails the group's callers). */
    private readonly write: (items: T[]) => Promise<boolean>,
    private readonly slots: number,
    /** A group is closed at this many items; later ones start the next group. */
    private readonly maxItems: number,
  ) {}

  /** Resolves true once the items are stored, false when their write failed. */
  submit(items: readonly T[]): Promise<boolean> {
    if (!this.open || this.open.items.length >= this.maxItems) {
      // A full open group waits for a slot as it is; the items start a group of their own behind it.
      if (this.open) this.waiting.push(this.open);
      this.open = newGroup<T>();
    }
    const group = this.open;
    for (const item of items) group.items.push(item);
    this.pump();
    return group.done;
  }

  /** Resolves when no write is in flight or waiting. */
  settled(): Promise<void> {
    if (this.running === 0 && !this.open && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.add(resolve));
  }

  private pump(): void {
    while (this.running < this.slots) {
      const group = this.waiting.shift() ?? this.open;
      if (!group) break;
      if (group === this.open) this.open = null;
      this.running += 1;
      void this.write(group.items)
        .then(group.resolve, () => group.resolve(false))
        .finally(() => {
          this.running -= 1;
          this.pump();
          if (this.running === 0 && !this.open && this.waiting.length === 0) {
            for (const resolve of this.idle) resolve();
            this.idle.clear();
          }
        });
    }
  }
}

interface Group<T> {
  items: T[];
  done: Promise<boolean>;
  resolve: (stored: boolean) => void;
}

function newGroup<T>(): Group<T> {
  let resolve: (stored: boolean) => void = () => undefined;
  const done = new Promise<boolean>((r) => (resolve = r));
  return { items: [], done, resolve };
}
