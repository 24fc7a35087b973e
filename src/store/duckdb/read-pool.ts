import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { readRank } from '../read-order.js';

/**
 * A few connections of the store's DuckDB instance that only read. A DuckDB connection runs one statement at
 * a time, so with a single connection every API request waits for every other one — a two-second report
 * holds up a ten-millisecond lookup. Reads borrow an idle connection here (or wait for one) and see the last
 * committed data; writes keep their own connection, so a refresh running in a transaction never blocks a
 * read and a read never sees half of it.
 *
 * Temp tables belong to the connection that made them: code inside the store that reads its own staging
 * tables (agent_stage, cc_groups, focus_out…) must use the writer's connection (`writerQuery`), never this
 * pool, or it finds no such table.
 *
 * Waiting reads are served oldest job first (read-order.ts), then in arrival order.
 */
export class ReadPool {
  private readonly idle: DuckDBConnection[];
  private readonly waiting: { rank: number; give: (conn: DuckDBConnection) => void }[] = [];

  private constructor(private readonly all: DuckDBConnection[]) {
    this.idle = [...all];
  }

  /** `size` connections, each prepared by `setup` (session settings such as the time zone). */
  static async open(
    instance: DuckDBInstance,
    size: number,
    setup: (conn: DuckDBConnection) => Promise<void>,
  ): Promise<ReadPool> {
    const all: DuckDBConnection[] = [];
    for (let i = 0; i < Math.max(1, size); i++) {
      const conn = await instance.connect();
      await setup(conn);
      all.push(conn);
    }
    return new ReadPool(all);
  }

  get size(): number {
    return this.all.length;
  }

  /**
   * Runs `work` on an idle connection. When all are busy it waits; a freed connection goes to the waiting
   * read of the oldest job (`readRank`), among equals to the first to arrive.
   */
  async use<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const rank = readRank();
    const conn =
      this.idle.pop() ?? (await new Promise<DuckDBConnection>((give) => this.waiting.push({ rank, give })));
    try {
      return await work(conn);
    } finally {
      // One turn of the event loop first: the reader's own next statement, asked as soon as it has this
      // answer, is then among the waiters to choose from.
      setImmediate(() => this.handOn(conn));
    }
  }

  private handOn(conn: DuckDBConnection): void {
    if (this.waiting.length === 0) {
      this.idle.push(conn);
      return;
    }
    // A few dozen waiters at most: a scan is cheaper than keeping a heap in order.
    let best = 0;
    for (let i = 1; i < this.waiting.length; i++) {
      if ((this.waiting[i]?.rank ?? Infinity) < (this.waiting[best]?.rank ?? Infinity)) best = i;
    }
    const [next] = this.waiting.splice(best, 1);
    next?.give(conn);
  }

  close(): void {
    for (const conn of this.all) conn.closeSync();
  }
}
