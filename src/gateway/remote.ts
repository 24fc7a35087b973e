import type { AppendResult, Db } from '../store/db.js';
import type { UsageRecord } from '../domain/usage.js';
import type { BudgetAlert } from './budgets.js';
import type { KeyEntry } from './key-spec.js';

/** What the gateway needs of a store: append its records (the writer's session rule never queries for them). */
export type RecordStore = Pick<Db, 'appendUsage' | 'query'>;

/** Retry waits while the server is away: short first, then at most this long. */
const MAX_WAIT_MS = 15_000;

/**
 * The server that owns the store (`mileage serve`), as the gateway's store and key source: live keys from
 * `GET /api/v1/gateway/key-book`, records to `POST /api/v1/gateway/records`, with an ingest or admin token.
 * While the server is away an append waits and tries again (the records are safe in the spool meanwhile),
 * until `close` — then it fails, and the spool keeps them for the next start.
 */
export class ServerLink implements RecordStore {
  private closed = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly base: URL,
    private readonly token: string,
  ) {}

  async keys(): Promise<KeyEntry[]> {
    const res = await fetch(new URL('/api/v1/gateway/key-book', this.base), { headers: this.headers() });
    if (!res.ok) throw new Error(`the server answered ${res.status} for the key book`);
    return ((await res.json()) as { keys: KeyEntry[] }).keys;
  }

  async appendUsage(records: readonly UsageRecord[]): Promise<AppendResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(new URL('/api/v1/gateway/records', this.base), {
          method: 'POST',
          headers: { ...this.headers(), 'content-type': 'application/json' },
          body: JSON.stringify(records),
        });
        // A refusal (4xx) is the records', not the server's: retrying would not help.
        if (res.status >= 400 && res.status < 500) {
          const text = await res.text();
          throw new RecordsRefused(`the server refused records (${res.status}): ${text.slice(0, 300)}`);
        }
        if (res.ok) return (await res.json()) as AppendResult;
      } catch (e) {
        if (e instanceof RecordsRefused || this.closed) throw e;
      }
      if (this.closed) throw new Error('the server is unavailable and the gateway is stopping');
      await this.sleep(Math.min(MAX_WAIT_MS, 250 * 2 ** Math.min(attempt, 6)));
    }
  }

  /** Raises a key's budget crossing into the server's alert history (and its coach's channels). */
  async alert(a: BudgetAlert): Promise<void> {
    const res = await fetch(new URL('/api/v1/gateway/alerts', this.base), {
      method: 'POST',
      headers: { ...this.headers(), 'content-type': 'application/json' },
      body: JSON.stringify(a),
    });
    if (!res.ok) throw new Error(`the server answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  }

  /** Never used for gateway records (request granularity): the writer's session rule only queries metric records. */
  query<T>(): Promise<T[]> {
    return Promise.resolve([]);
  }

  /** Stops retrying: an append waiting on the server fails now. */
  close(): void {
    this.closed = true;
    this.wake?.();
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.token}` };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}

class RecordsRefused extends Error {
  override readonly name = 'RecordsRefused';
}
