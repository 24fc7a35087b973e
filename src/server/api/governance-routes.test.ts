import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceivers, type Receivers } from '../../../test/support/alert-receivers.js';
import { bookRepricer, priceBookFor } from '../../cli/pricing.js';
import { parseGovernance } from '../../governance/config-file.js';
import { parseOrgFile } from '../../org/load.js';
import type { Db } from '../../store/db.js';
import { openStore } from '../../store/open.js';
import { buildServer, type BuiltServer } from '../run-server.js';
import { createToken, type Role } from '../tokens.js';

/**
 * The alerts and budgets API over a server with governance: admins set budgets, readers list them and the
 * alert history; an ingest through the API refreshes the ledger and runs the rules; a manager acknowledges
 * their team's alert, an admin mutes it, and a muted escalation is recorded but not sent.
 */
const ORG = `
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
  webhook: { url_env: A_HOOK, secret_env: A_SECRET }
alerts:
  interval_minutes: 0
  rules:
    spend_spike: { enabled: false }
    runaway_session: { enabled: false }
    tokens_per_point: { enabled: false }
    new_model: { enabled: false }
    unpriced_model: { enabled: false }
    source_silent: { enabled: false }
`;

let db: Db;
let built: BuiltServer;
let rx: Receivers;
const tokens: Partial<Record<Role, string>> = {};

beforeAll(async () => {
  rx = await startReceivers();
  db = await openStore(':memory:');
  const org = parseOrgFile(ORG, 'mileage.yaml');
  const gov = parseGovernance(ORG, 'mileage.yaml');
  if (!org.ok || !gov.ok) throw new Error('invalid test org');
  await db.loadDirectory(org.value);
  const book = priceBookFor(org.value);
  built = buildServer({
    db,
    org: 'acme',
    privacy: org.value.privacy,
    timeZone: 'UTC',
    book,
    reprice: bookRepricer(book),
    webRoot: null,
    log: () => undefined,
    governance: {
      directory: org.value,
      settings: gov.value,
      env: { A_HOOK: `${rx.httpUrl}/hook`, A_SECRET: 's3cret' },
    },
  });
  for (const role of ['admin', 'viewer', 'ingest'] as const)
    tokens[role] = (await createToken(db, { role, teams: null, name: role })).token;
  tokens.manager = (await createToken(db, { role: 'manager', teams: ['payments'], name: 'mgr' })).token;
}, 60_000);

afterAll(async () => {
  await built.alerts?.stop();
  await db.close();
  await rx.close();
});

function call(method: string, path: string, role: Role, body?: unknown): Promise<Response> {
  return Promise.resolve(
    built.app.request(path, {
      method,
      headers: { authorization: `Bearer ${tokens[role] ?? ''}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
}

/** Spend of the two hidden people a minute ago (today, so in the budget's current week). */
async function spend(total: number, tag: string): Promise<void> {
  const at = new Date(Date.now() - 60_000).toISOString();
  const events = ['hid', 'ivo'].map((who) => ({
    timestamp: at,
    tool: 'gateway',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    input_tokens: 1000,
    output_tokens: 10,
    cost_usd: (total / 2).toFixed(2),
    user: `${who}@acme.test`,
    session_id: `${tag}-${who}`,
  }));
  const res = await call('POST', '/api/v1/ingest/usage', 'admin', events);
  expect(res.status).toBe(200);
  await built.deps.maintenance.refresh(); // the refresh triggers the rules…
  await built.alerts?.trigger(); // …and this waits for that run (and one more)
}

interface Alert {
  id: string;
  rule: string;
  level: number;
  state: string;
  notifications: number;
  title: string;
}
const alerts = async (role: Role) =>
  ((await (await call('GET', '/api/v1/alerts', role)).json()) as { alerts: Alert[] }).alerts;

describe('budgets and alerts over the API', () => {
  it('lets admins set budgets and everyone who reads list them', async () => {
    const budget = { scope: 'team', subject: 'payments', amount: 100, period: 'week', forecast: false };
    expect((await call('POST', '/api/v1/budgets', 'viewer', budget)).status).toBe(403);
    expect((await call('POST', '/api/v1/budgets', 'admin', { ...budget, subject: 'nope' })).status).toBe(400);
    expect((await call('POST', '/api/v1/budgets', 'admin', { ...budget, amount: -1 })).status).toBe(400);
    const made = await call('POST', '/api/v1/budgets', 'admin', budget);
    expect(made.status).toBe(201);
    expect(await made.json()).toEqual({ id: 'team-payments-week' });
    const list = (await (await call('GET', '/api/v1/budgets', 'viewer')).json()) as { budgets: unknown[] };
    expect(list.budgets).toEqual([
      {
        id: 'team-payments-week',
        scope: 'team',
        subject: 'payments',
        amount: '100',
        period: 'week',
        thresholds: [50, 80, 100],
        forecast: false,
        origin: 'api',
      },
    ]);
    expect((await call('GET', '/api/v1/budgets', 'ingest')).status).toBe(403);
  });

  it('runs the rules after an ingest: one alert at 85%, listed, sent once to the webhook', async () => {
    await spend(85, 'a');
    const list = await alerts('viewer');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ rule: 'budget.threshold', level: 80, state: 'open', notifications: 1 });
    expect(rx.on('/hook')).toHaveLength(1);
    expect(JSON.stringify(list) + (rx.on('/hook')[0]?.body ?? '')).not.toContain('Hester');
  });

  it('acknowledge: a manager of the team may, a viewer may not; mute: admins, and a muted escalation is not sent', async () => {
    const [alert] = await alerts('admin');
    const id = alert?.id ?? '';
    expect((await call('POST', `/api/v1/alerts/${id}/ack`, 'viewer')).status).toBe(403);
    expect((await call('POST', `/api/v1/alerts/${id}/ack`, 'manager')).status).toBe(200);
    expect((await alerts('manager'))[0]?.state).toBe('acknowledged');
    expect((await call('POST', '/api/v1/alerts/nope/ack', 'admin')).status).toBe(404);

    expect((await call('POST', `/api/v1/alerts/${id}/mute`, 'manager', { days: 3 })).status).toBe(403);
    expect((await call('POST', `/api/v1/alerts/${id}/mute`, 'admin', { days: 0 })).status).toBe(400);
    expect((await call('POST', `/api/v1/alerts/${id}/mute`, 'admin', { days: 3 })).status).toBe(200);
    await spend(30, 'b'); // 115%: an escalation, recorded while muted, not sent
    const [after] = await alerts('admin');
    expect(after).toMatchObject({ level: 100, state: 'muted', notifications: 1 });
    expect(rx.on('/hook')).toHaveLength(1);
  });

  it('admins remove API budgets; evaluate runs the rules on demand', async () => {
    expect((await call('POST', '/api/v1/alerts/evaluate', 'viewer')).status).toBe(403);
    const run = (await (await call('POST', '/api/v1/alerts/evaluate', 'admin')).json()) as {
      run: { sent: unknown[] };
    };
    expect(run.run.sent).toEqual([]);
    expect((await call('DELETE', '/api/v1/budgets/team-payments-week', 'admin')).status).toBe(200);
    expect((await call('DELETE', '/api/v1/budgets/team-payments-week', 'admin')).status).toBe(404);
  });
});
