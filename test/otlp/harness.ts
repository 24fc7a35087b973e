import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { listenApp, stopServer } from '../../src/server/listen.js';
import { otlpApp } from '../../src/server/otlp.js';
import { receiverSink } from '../../src/server/otlp-sink.js';
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
  const { app } = otlpApp({ sink: receiverSink(writer, null).sink, maxBodyBytes: options.maxBodyBytes });
  const { server, address } = await listenApp(app.fetch, 0, '127.0.0.1');
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
