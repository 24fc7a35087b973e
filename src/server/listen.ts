import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FetchHandler = (request: Request) => Response | Promise<Response>;

/**
 * Serves a web-standard fetch handler (a Hono app's `fetch`) over node:http and resolves with the bound
 * address once listening (port 0 picks a free port). The handler never sees node's request objects.
 */
export async function listenApp(
  fetch: FetchHandler,
  port: number,
  host: string,
): Promise<{ server: Server; address: AddressInfo }> {
  const server = createAdaptorServer({ fetch, serverOptions: { keepAliveTimeout: 65_000 } }) as Server;
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
  return { server, address };
}

/** The URL of a bound address, IPv6 in brackets. */
export function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** Stops accepting connections, lets requests in flight finish, closes idle keep-alive connections. */
export function stopServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
