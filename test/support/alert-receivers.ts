import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface Mail {
  from: string;
  to: string[];
  raw: string;
}

/**
 * Local stand-ins for the alert channels on 127.0.0.1: one HTTP server answering Slack's, Teams' and the
 * generic webhook's paths (each request kept with its headers), and an SMTP server keeping every message.
 */
export interface Receivers {
  httpUrl: string;
  smtpPort: number;
  http: Received[];
  mail: Mail[];
  on(path: string): Received[];
  /** Requests and messages refused under `failFirst`. */
  refused(): { http: number; mail: number };
  close(): Promise<void>;
}

/**
 * `failFirst`: the first N requests to each HTTP path answer 503, and the first N messages get SMTP 451 (a
 * transient refusal): a sender that retries gets through, one that does not loses the message. Refused
 * requests and messages are counted in `refused`, not kept in `http` / `mail`.
 */
export async function startReceivers(o: { failFirst?: number } = {}): Promise<Receivers> {
  const http: Received[] = [];
  const mail: Mail[] = [];
  const refused = { http: new Map<string, number>(), mail: 0 };
  const failFirst = o.failFirst ?? 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      const seen = refused.http.get(path) ?? 0;
      if (seen < failFirst) {
        refused.http.set(path, seen + 1);
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('unavailable');
        return;
      }
      http.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refused.mail < failFirst) {
          refused.mail++;
          callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
          return;
        }
        mail.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpAddress = (smtp as unknown as { server: Server }).server.address() as AddressInfo;
  return {
    httpUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    smtpPort: smtpAddress.port,
    http,
    mail,
    on: (path) => http.filter((r) => r.path === path),
    refused: () => ({ http: [...refused.http.values()].reduce((a, b) => a + b, 0), mail: refused.mail }),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}
