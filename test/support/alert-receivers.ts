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

/**
 * The org file of the governance e2e tests: one team (Payments) whose coach and manager are named, two people
 * the privacy settings hide, every channel pointed at the receivers (email at `smtpPort`), one monthly team
 * budget of $1,000 and every rule but the budget's turned off.
 */
export const budgetOrgFile = (smtpPort: number): string => `
org: acme
privacy: { individuals: team, min_group_size: 2 }
teams:
  - { id: payments, name: Payments, coach: carla, manager: mo }
people:
  - { id: hid, name: Hester Hidden, team: payments, emails: [hid@acme.test] }
  - { id: ivo, name: Ivo Also-Hidden, team: payments, emails: [ivo@acme.test] }
  - { id: carla, name: Carla Coach, team: payments, emails: [carla@acme.test] }
  - { id: mo, name: Mo Manager, team: payments, emails: [mo@acme.test] }
notify:
  slack: { webhook_env: T_SLACK }
  teams: { webhook_env: T_TEAMS }
  webhook: { url_env: T_HOOK, secret_env: T_HOOK_SECRET }
  email: { host: 127.0.0.1, port: ${smtpPort}, from: mileage@acme.test, to: [finops@acme.test] }
budgets:
  - { scope: team, subject: payments, amount: 1000, period: month, forecast: false }
alerts:
  rules:
    spend_spike: { enabled: false }
    runaway_session: { enabled: false }
    tokens_per_point: { enabled: false }
    new_model: { enabled: false }
    unpriced_model: { enabled: false }
    source_silent: { enabled: false }
`;
