import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGovernance } from '../../src/governance/config-file.js';
import { listAlerts } from '../../src/governance/history.js';
import { runAlerts, type GovernanceRuntime } from '../../src/governance/run.js';
import { usage } from '../../src/metrics/testing/fixture.js';
import { parseOrgFile } from '../../src/org/load.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open.js';
import { budgetOrgFile, startReceivers, type Receivers } from '../support/alert-receivers.js';

/**
 * Delivery retries: receivers on 127.0.0.1 that refuse first (HTTP 503 on Slack's, Teams' and the webhook's
 * paths, SMTP 451 on email). A transient refusal is retried with exponential backoff (through an injected
 * sleep: no real wait), the message arrives once, and the alert records that it took two attempts; a
 * receiver that keeps refusing is recorded as failed with the attempts made, never dropped silently.
 */
const opened: { rx: Receivers; db: Db; dir: string }[] = [];
afterAll(async () => {
  for (const o of opened) {
    await o.db.close();
    await o.rx.close();
    await rm(o.dir, { recursive: true, force: true });
  }
});

/** A store whose payments team spent $850 of its $1,000 November budget, and receivers refusing `failFirst`. */
async function setUp(failFirst: number) {
  const rx = await startReceivers({ failFirst });
  const dir = await mkdtemp(join(tmpdir(), 'mileage-retry-'));
  const db = await openStore(join(dir, 'store.duckdb'));
  opened.push({ rx, db, dir });
  const text = budgetOrgFile(rx.smtpPort);
  const org = parseOrgFile(text, 'mileage.yaml');
  const gov = parseGovernance(text, 'mileage.yaml');
  if (!org.ok || !gov.ok) throw new Error(JSON.stringify(org.ok ? gov : org));
  await db.loadDirectory(org.value);
  await db.appendUsage(
    ['hid', 'ivo'].map((who) =>
      usage({
        day: '2026-11-02',
        id: `a-${who}`,
        cost: '425',
        actor: `${who}@acme.test`,
        tokens: { input: 1000 },
      }),
    ),
  );
  await db.refreshLedger();
  const waits: number[] = [];
  const runtime: GovernanceRuntime = {
    directory: org.value,
    settings: gov.value,
    env: {
      T_SLACK: `${rx.httpUrl}/slack`,
      T_TEAMS: `${rx.httpUrl}/teams`,
      T_HOOK: `${rx.httpUrl}/hook`,
      T_HOOK_SECRET: 'retry-secret',
    },
    retry: {
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    },
  };
  const summary = await runAlerts({
    db,
    runtime,
    asOf: '2026-11-10',
    now: () => new Date('2026-11-10T18:00:00Z'),
  });
  return { rx, db, summary, waits };
}

describe('alert delivery retries', () => {
  it('a receiver that refuses once gets the message once; the alert records two attempts per channel', async () => {
    const { rx, db, summary, waits } = await setUp(1);
    expect(summary.sent).toHaveLength(1);
    const twice = 'ok after 2 attempts';
    expect(summary.sent[0]?.deliveries).toEqual({ slack: twice, teams: twice, webhook: twice, email: twice });
    expect(rx.refused()).toEqual({ http: 3, mail: 1 });
    expect(['/slack', '/teams', '/hook'].map((p) => rx.on(p).length)).toEqual([1, 1, 1]);
    expect(rx.mail).toHaveLength(1);
    // The first backoff of each: 0.5 s for the HTTP channels, 1 s for SMTP.
    expect([...waits].sort((a, b) => a - b)).toEqual([500, 500, 500, 1000]);
    const [stored] = await listAlerts(db);
    expect(stored?.deliveries).toEqual(summary.sent[0]?.deliveries);
  });

  it('a receiver that keeps refusing: recorded as failed after every attempt, with growing waits', async () => {
    const { rx, db, waits } = await setUp(100);
    const [stored] = await listAlerts(db);
    expect(stored?.deliveries.slack).toBe('failed: the Slack webhook answered HTTP 503, after 4 attempts');
    expect(stored?.deliveries.webhook).toBe('failed: the webhook answered HTTP 503, after 4 attempts');
    expect(stored?.deliveries.email).toMatch(
      /^failed: the SMTP server 127\.0\.0\.1:\d+ refused the email \(.*451\), after 4 attempts$/,
    );
    expect(rx.http).toHaveLength(0);
    expect(rx.refused()).toEqual({ http: 12, mail: 4 });
    // Exponential backoff: 0.5, 1, 2 s before each HTTP channel's retries; 1, 2, 4 s before email's.
    const expected = [...[500, 1000, 2000], ...[500, 1000, 2000], ...[500, 1000, 2000], 1000, 2000, 4000];
    expect([...waits].sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
    expect(stored?.notifications).toBe(1);
  });
});
