import OpenAI from 'openai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/gateway/run-gateway.js';
import { parseGovernance } from '../../src/governance/config-file.js';
import { parseOrgFile } from '../../src/org/load.js';
import { runServer, type RunningServer } from '../../src/server/run-server.js';
import { createToken } from '../../src/server/tokens.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { startReceivers, type Receivers } from '../support/alert-receivers.js';
import { startMockLlm, type MockLlm } from '../support/mock-llm.js';
import { linkedGateway } from '../support/gateway-link.js';
import { serverOptions } from '../support/server-options.js';

/**
 * The gateway under the organisation's governance: a key's soft-budget crossing goes to the server's alert
 * history and the coach's channels (once per threshold, nothing blocked), and a workflow budget of
 * mileage.yaml — a governance budget, not a gateway list — counts the gateway's records once they are in the
 * ledger.
 */
const ORG_FILE = `
org: acme
teams:
  - { id: payments, name: Payments, coach: carla }
people:
  - { id: carla, name: Carla Coach, team: payments, emails: [carla@acme.test] }
workflows:
  - { id: pr-review, name: PR review, team: payments }
notify:
  webhook: { url_env: T_HOOK, secret_env: T_HOOK_SECRET }
budgets:
  - { scope: workflow, subject: pr-review, amount: 0.0001, period: month, thresholds: [100], forecast: false }
alerts:
  rules:
    spend_spike: { enabled: false }
    runaway_session: { enabled: false }
    tokens_per_point: { enabled: false }
    new_model: { enabled: false }
    unpriced_model: { enabled: false }
    source_silent: { enabled: false }
`;

let db: Db;
let server: RunningServer;
let mock: MockLlm;
let gw: RunningGateway;
let rx: Receivers;
let dir: string;

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${server.url}/api/v1/${path}`, {
    ...init,
    headers: { authorization: `Bearer ${server.sessionToken}`, 'content-type': 'application/json' },
  });

interface Alert {
  rule: string;
  subject: string;
  level: number;
  teamId: string | null;
  title: string;
}
const alerts = async () => ((await (await api('alerts')).json()) as { alerts: Alert[] }).alerts;

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mileage-gw-gov-'));
  rx = await startReceivers();
  db = await openStore(':memory:');
  const org = parseOrgFile(ORG_FILE, 'mileage.yaml');
  const gov = parseGovernance(ORG_FILE, 'mileage.yaml');
  if (!org.ok || !gov.ok) throw new Error(JSON.stringify(org.ok ? gov : org));
  await db.loadDirectory(org.value);
  server = await runServer({
    ...serverOptions(db),
    host: '127.0.0.1',
    port: 0,
    warm: false,
    webRoot: null,
    governance: {
      directory: org.value,
      settings: gov.value,
      env: { T_HOOK: `${rx.httpUrl}/hook`, T_HOOK_SECRET: 's' },
    },
  });
  const ingest = await createToken(db, { role: 'ingest', teams: null, name: 'gateway' });
  mock = await startMockLlm();
  ({ gw } = await linkedGateway({
    serverUrl: server.url,
    token: ingest.token,
    mockUrl: mock.url,
    dir,
    alerts: true,
  }));
}, 60_000);

afterAll(async () => {
  await gw?.stop();
  await server?.stop();
  await mock.close();
  await rx.close();
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('gateway budgets through governance', () => {
  it("raises a key's budget crossing once into the server's alert history and the coach's webhook, never blocking", async () => {
    const made = (await (
      await api('gateway/keys', {
        method: 'POST',
        body: JSON.stringify({
          team: 'payments',
          workflow: 'pr-review',
          budgetUsd: '0.000001',
          alertAt: [100],
        }),
      })
    ).json()) as { key: string };
    await gw.reloadKeys();
    const client = new OpenAI({ apiKey: made.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const ask = () =>
      client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] });
    await ask();
    await until(async () => (await alerts()).some((a) => a.rule === 'gateway.key_budget'));
    // Past the budget, requests still pass: a budget alerts, only a sandbox cap blocks.
    for (let i = 0; i < 3; i++) await expect(ask()).resolves.toMatchObject({ object: 'chat.completion' });
    await new Promise((r) => setTimeout(r, 200));
    const raised = (await alerts()).filter((a) => a.rule === 'gateway.key_budget');
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ level: 100, teamId: 'payments' });
    expect(raised[0]?.title).toBe('A gateway key of Payments has used 100% of its monthly budget');
    const hooks = rx.on('/hook').filter((h) => h.body.includes('gateway.key_budget'));
    expect(hooks).toHaveLength(1);
    expect(hooks[0]?.body).not.toContain(made.key);
  });

  it("counts the gateway's records against a workflow budget of mileage.yaml once they are in the ledger", async () => {
    await gw.flush();
    await server.deps.maintenance.refresh();
    const run = (await (await api('alerts/evaluate', { method: 'POST' })).json()) as {
      run: { sent: { rule: string }[] };
    };
    expect(run.run.sent.map((s) => s.rule)).toContain('budget.threshold');
    const budget = (await alerts()).find((a) => a.rule === 'budget.threshold');
    expect(budget).toMatchObject({ level: 100, teamId: 'payments' });
    expect(budget?.title).toContain('PR review');
  });

  it('refuses a malformed crossing', async () => {
    const res = await api('gateway/alerts', { method: 'POST', body: JSON.stringify({ keyId: 'k' }) });
    expect(res.status).toBe(400);
  });
});
