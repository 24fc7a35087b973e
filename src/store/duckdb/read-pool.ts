import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

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
 */
export class ReadPool {
  private readonly idle: DuckDBConnection[];
  private readonly waiting: ((conn: DuckDBConnection) => void)[] = [];

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

  /** Runs `work` on an idle connection, waiting in arrival order when all are busy. */
  async use<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const conn = this.idle.pop() ?? (await new Promise<DuckDBConnection>((r) => this.waiting.push(r)));
    try {
      return await work(conn);
    } finally {
      const next = this.waiting.shift();
      if (next) next(conn);
      else this.idle.push(conn);
    }
  }

  close(): void {
    for (const conn of this.all) conn.closeSync();
  }
}
