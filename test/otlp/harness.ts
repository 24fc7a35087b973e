import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { otlpRoutes } from '../../src/server/otlp.js';
import { createRouterServer, listen, stopServer } from '../../src/server/router.js';
import { UsageWriter } from '../../src/server/usage-writer.js';

export interface Receiver {
  url: string;
  db: Db;
  writer: UsageWriter;
  stop(): Promise<void>;
}

/** The receiver as `mileage serve` wires it, on 127.0.0.1 and a free port, over an in-memory store. */
export async function startReceiver(options: { maxBodyBytes?: number } = {}): Promise<Receiver> {
  const db = await openStore(':memory:');
  const writer = new UsageWriter(db, { flushMs: 50 });
  const { routes } = otlpRoutes({ sink: writer, maxBodyBytes: options.maxBodyBytes });
  const server = createRouterServer(routes);
  const address = await listen(server, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${address.port}`,
    db,
    writer,
    async stop() {
      await stopServer(server);
      await writer.close();
      await db.close();
    },
  };
}
