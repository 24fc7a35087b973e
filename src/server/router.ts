import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** One entry of the route table: the OTLP receiver adds three, the API and dashboard add their own. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  handler: Handler;
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(text);
}

/**
 * A node:http server over a route table (exact paths; a query string is ignored). Unknown paths get 404,
 * known paths with another method 405 with Allow. A handler that throws answers 500 and is reported, never
 * crashing the server.
 */
export function createRouterServer(routes: readonly Route[], onError?: (error: unknown) => void): Server {
  const table = new Map<string, Map<string, Handler>>();
  for (const r of routes) {
    const byMethod = table.get(r.path) ?? new Map<string, Handler>();
    if (byMethod.has(r.method)) throw new Error(`route ${r.method} ${r.path} declared twice`);
    byMethod.set(r.method, r.handler);
    table.set(r.path, byMethod);
  }
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    const byMethod = table.get(path);
    const handler = byMethod?.get(req.method ?? 'GET');
    if (!byMethod) return sendText(res, 404, `no route for ${path}\n`);
    if (!handler)
      return sendText(res, 405, `method not allowed\n`, { allow: [...byMethod.keys()].join(', ') });
    handler(req, res).catch((error: unknown) => {
      onError?.(error);
      if (!res.headersSent) sendText(res, 500, 'internal error\n');
      else res.destroy();
    });
  });
  return server;
}

/** Listens and resolves with the bound address (port 0 picks a free port). */
export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Stops accepting connections, lets requests in flight finish, closes idle keep-alive connections. */
export function stopServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
