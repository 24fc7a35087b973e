import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGovernance } from '../../src/governance/config-file.js';
import { managerDigests } from '../../src/governance/digest.js';
import { listAlerts } from '../../src/governance/history.js';
import { runAlerts, type GovernanceRuntime } from '../../src/governance/run.js';
import { usage } from '../../src/metrics/testing/fixture.js';
import { parseOrgFile } from '../../src/org/load.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { budgetOrgFile, startReceivers, type Receivers } from '../support/alert-receivers.js';

/**
 * Issue 22's bar: a team budget crossing 80% alerts the team's coach once on every channel — Slack, Teams,
 * email (a local SMTP server) and a signed webhook, all on 127.0.0.1 — naming no person the privacy settings
 * hide; the same threshold crossed again sends nothing; 100% escalates; nothing is blocked.
 */
let rx: Receivers;
let dir: string;
let db: Db;
let runtime: GovernanceRuntime;
const SECRET = 'test-secret-never-logged';

beforeAll(async () => {
  rx = await startReceivers();
  dir = await mkdtemp(join(tmpdir(), 'mileage-gov-'));
  db = await openStore(join(dir, 'store.duckdb'));
  const text = budgetOrgFile(rx.smtpPort);
  const org = parseOrgFile(text, 'mileage.yaml');
  const gov = parseGovernance(text, 'mileage.yaml');
  if (!org.ok || !gov.ok) throw new Error(JSON.stringify(org.ok ? gov : org));
  await db.loadDirectory(org.value);
  runtime = {
    directory: org.value,
    settings: gov.value,
    env: {
      T_SLACK: `${rx.httpUrl}/slack`,
      T_TEAMS: `${rx.httpUrl}/teams`,
      T_HOOK: `${rx.httpUrl}/hook`,
      T_HOOK_SECRET: SECRET,
    },
  };
}, 60_000);

afterAll(async () => {
  await db.close();
  await rx.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * Spend by Hester and Ivo (people the settings hide from an org-wide viewer; two of them, so the team is at
 * the minimum group size and may be named) on a November day (records dated in the future are refused by the store's bounds).
 */
async function spend(day: string, id: string, cost: string): Promise<void> {
  const half = (Number(cost) / 2).toFixed(2);
  await db.appendUsage(
    ['hid', 'ivo'].map((who) =>
      usage({
        day,
        id: `${id}-${who}`,
        cost: half,
        actor: `${who}@acme.test`,
        tokens: { input: 1000, output: 100 },
      }),
    ),
  );
  await db.refreshLedger();
}

const run = (asOf: string) => runAlerts({ db, runtime, asOf, now: () => new Date(`${asOf}T18:00:00Z`) });

const everyBody = () => [...rx.http.map((r) => r.body), ...rx.mail.map((m) => m.raw)].join('\n');

describe('a budget crossing 80% alerts the coach once on every channel', () => {
  it('sends one message per channel at 85%, to the coach, naming nobody hidden', async () => {
    await spend('2026-11-02', 'a', '500');
    await spend('2026-11-08', 'b', '350');
    const summary = await run('2026-11-10');
    expect(summary.sent).toHaveLength(1);
    expect(summary.sent[0]).toMatchObject({
      rule: 'budget.threshold',
      decision: 'new',
      to: 'the coach of Payments',
    });
    expect(summary.sent[0]?.deliveries).toEqual({ slack: 'ok', teams: 'ok', webhook: 'ok', email: 'ok' });

    expect(rx.on('/slack')).toHaveLength(1);
    expect(rx.on('/teams')).toHaveLength(1);
    expect(rx.on('/hook')).toHaveLength(1);
    expect(rx.mail).toHaveLength(1);
    expect(rx.mail[0]?.to).toEqual(['carla@acme.test']);

    const slack = JSON.parse(rx.on('/slack')[0]?.body ?? '{}') as { text: string };
    expect(slack.text).toContain('Payments has used 80% of its monthly budget');
    const card = JSON.parse(rx.on('/teams')[0]?.body ?? '{}') as {
      attachments: { contentType: string; content: { type: string } }[];
    };
    expect(card.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.attachments[0]?.content.type).toBe('AdaptiveCard');
    expect(rx.mail[0]?.raw).toContain('A question to ask');
    expect(rx.mail[0]?.raw).toContain('$850.00');

    // The webhook's signature is HMAC-SHA256 over "<timestamp>.<body>" with the secret from the environment.
    const hook = rx.on('/hook')[0];
    const ts = String(hook?.headers['x-mileage-timestamp']);
    const expected = `sha256=${createHmac('sha256', SECRET)
      .update(`${ts}.${hook?.body ?? ''}`)
      .digest('hex')}`;
    expect(hook?.headers['x-mileage-signature']).toBe(expected);
    expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({
      type: 'mileage.alert',
      rule: 'budget.threshold',
      level: 80,
    });

    const all = everyBody();
    for (const hidden of ['Hester', 'Hidden', 'hid@acme.test', 'Ivo', 'Carla', 'Mo Manager', SECRET])
      expect(all).not.toContain(hidden);
  });

  it('sends nothing when the same threshold is crossed again in the period', async () => {
    const before = rx.http.length + rx.mail.length;
    expect((await run('2026-11-10')).sent).toHaveLength(0);
    await spend('2026-11-11', 'c', '50'); // 90%: still the 80% mark
    const summary = await run('2026-11-11');
    expect(summary.sent).toHaveLength(0);
    expect(summary.repeats).toBe(1);
    expect(rx.http.length + rx.mail.length).toBe(before);
  });

  it('escalates once at 100%, and never blocks anything', async () => {
    await spend('2026-11-12', 'd', '200'); // 110%
    const summary = await run('2026-11-12');
    expect(summary.sent).toHaveLength(1);
    expect(summary.sent[0]).toMatchObject({ decision: 'escalated' });
    expect(rx.on('/slack')).toHaveLength(2);
    expect(rx.on('/teams')).toHaveLength(2);
    expect(rx.on('/hook')).toHaveLength(2);
    expect(rx.mail).toHaveLength(2);
    expect(rx.on('/slack')[1]?.body).toContain('Escalated: Payments has used 100% of its monthly budget');
    expect(everyBody()).not.toContain('Hester');
    expect((await run('2026-11-12')).sent).toHaveLength(0);

    // Spend over budget is still recorded and counted: a budget alerts, it never blocks.
    await spend('2026-11-13', 'e', '10');
    const [total] = await db.query(
      "SELECT CAST(sum(cost) AS VARCHAR) AS c FROM ledger WHERE day >= DATE '2026-11-01'",
    );
    expect(total?.c).toMatch(/^1110(\.0+)?$/);

    const history = await listAlerts(db);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      rule: 'budget.threshold',
      level: 100,
      notifications: 2,
      state: 'open',
    });
  });

  it("gives the team's manager a weekly digest of the alerts and how they ended", async () => {
    const [digest, ...others] = await managerDigests(db, runtime, '2026-11-13');
    expect(others).toHaveLength(0);
    expect(digest?.email.to).toEqual(['mo@acme.test']);
    expect(digest?.email.subject).toBe('[Mileage] Payments: 1 alert in the week to 2026-11-13');
    expect(digest?.email.text).toContain(
      'Payments has used 100% of its monthly budget (budget.threshold, still open, escalated 1x',
    );
    expect(digest?.email.text).not.toContain('Hester');
  });
});
