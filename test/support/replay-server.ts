import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the replay server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  text: string;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
}

/** What to answer: a JSON body, or raw text (for malformed bodies), with a status and headers. */
export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
  /** Close the connection without answering (a network error for the client). */
  hangUp?: boolean;
}

export type Handler = (req: SeenRequest) => Reply | Promise<Reply>;

/**
 * A local HTTP server on 127.0.0.1 (random port) that replays documented API shapes for connector tests.
 * Routes are `METHOD /path` handlers; scripted replies (`script`) are served first, in order, to the next
 * requests of a route: a 429 with Retry-After, a 503, a malformed body, a hang-up, then the real handler.
 */
export class ReplayServer {
  readonly requests: SeenRequest[] = [];
  private readonly routes = new Map<string, Handler>();
  private readonly scripted = new Map<string, Reply[]>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<ReplayServer> {
    const holder: { self?: ReplayServer } = {};
    const server = createServer((req, res) => {
      if (holder.self) void holder.self.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.self = new ReplayServer(server, `http://127.0.0.1:${port}`);
    return holder.self;
  }

  route(method: string, path: string, handler: Handler): this {
    this.routes.set(`${method} ${path}`, handler);
    return this;
  }

  /** Replies served, in order, before the route's handler answers again. */
  script(method: string, path: string, ...replies: Reply[]): this {
    const key = `${method} ${path}`;
    this.scripted.set(key, [...(this.scripted.get(key) ?? []), ...replies]);
    return this;
  }

  /** Requests to one route, in arrival order. */
  seen(method: string, path: string): SeenRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve, reject) => this.server.close((e) => (e ? reject(e) : resolve())));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      text,
      json,
    };
    this.requests.push(seen);
    const key = `${seen.method} ${seen.path}`;
    const queue = this.scripted.get(key);
    const handler = this.routes.get(key);
    let reply: Reply;
    if (queue && queue.length > 0) reply = queue.shift() as Reply;
    else if (handler) reply = await handler(seen);
    else reply = { status: 404, json: { message: `no route ${key}` } };
    if (reply.hangUp) {
      req.socket.destroy();
      return;
    }
    const body = reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
    res.end(body);
  }
}
