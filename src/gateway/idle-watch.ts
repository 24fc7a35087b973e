/** A call being watched: when it was last heard from, and what to do when it has been silent too long. */
export interface Watched {
  last: number;
  readonly onIdle: () => void;
}

/**
 * The upstream timeout of every call in flight, on one timer: a call that has heard nothing for `timeoutMs`
 * is handed to its `onIdle` (the gateway answers 504, or cuts an answer already begun). A timer per request
 * (socket.setTimeout) re-arms on every read and write of every socket; here a call only notes the time when
 * it hears from its upstream, and one sweep a second (a quarter of the timeout when that is shorter) looks
 * at all of them. A call is cut between `timeoutMs` and `timeoutMs` plus one sweep after its last byte.
 */
export class IdleWatch {
  private readonly calls = new Set<Watched>();
  private timer: NodeJS.Timeout | null = null;
  private readonly every: number;

  constructor(private readonly timeoutMs: number) {
    this.every = Math.max(10, Math.min(1_000, Math.floor(timeoutMs / 4)));
  }

  watch(onIdle: () => void): Watched {
    const w: Watched = { last: Date.now(), onIdle };
    this.calls.add(w);
    if (this.timer === null) {
      this.timer = setInterval(this.sweep, this.every);
      this.timer.unref();
    }
    return w;
  }

  /** The call is over (answered, failed or cut): it is no longer watched. */
  done(w: Watched): void {
    this.calls.delete(w);
  }

  /** Stops the sweeps (the gateway stopped); the timer never keeps the process alive anyway. */
  close(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private readonly sweep = (): void => {
    const now = Date.now();
    for (const w of this.calls) {
      if (now - w.last < this.timeoutMs) continue;
      this.calls.delete(w);
      w.onIdle();
    }
  };
}
