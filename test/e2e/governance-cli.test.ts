import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceivers, type Receivers } from '../support/alert-receivers.js';
import { mileage } from './cli.js';

/**
 * Governance through the built CLI on a demo store under `individuals: hidden`: the weekly report sent to
 * Teams, email and a signed webhook (one message each, nobody named), and the alert rules run by
 * `mileage alerts check`, listed by `mileage alerts list --json`, and not sent twice.
 */
let cwd: string;
let names: string[];
let rx: Receivers;
let env: Record<string, string>;
let lastDay: string;

beforeAll(async () => {
  rx = await startReceivers();
  cwd = await mkdtemp(join(tmpdir(), 'mileage-gov-cli-'));
  const demo = await mileage(
    ['demo', '--db', 'g.duckdb', '--seed', '5', '--engineers', '10', '--months', '3', '--out', 'demo'],
    { cwd },
  );
  expect(demo.code, demo.stderr).toBe(0);
  const orgText = await readFile(join(cwd, 'demo', 'mileage.yaml'), 'utf8');
  names = [...orgText.matchAll(/name: "([^"]+)"/g)].map((m) => m[1] as string);
  const team = /teams:\s*\n\s*- id: "?([A-Za-z0-9._-]+)"?/.exec(orgText)?.[1] ?? 'platform';
  await writeFile(
    join(cwd, 'mileage.yaml'),
    `${orgText.replace('individuals: visible', 'individuals: hidden')}
notify:
  teams: { webhook_env: G_TEAMS }
  webhook: { url_env: G_HOOK, secret_env: G_HOOK_SECRET }
  email: { host: 127.0.0.1, port: ${rx.smtpPort}, from: mileage@acme.test, to: [eng-leads@acme.test] }
budgets:
  - { scope: team, subject: ${team}, amount: 1, period: month }
alerts:
  channels: [webhook]
`,
  );
  env = { G_TEAMS: `${rx.httpUrl}/teams`, G_HOOK: `${rx.httpUrl}/hook`, G_HOOK_SECRET: 'cli-secret' };
  const weekly = await mileage(['report', 'weekly', '--db', 'g.duckdb', '--json'], { cwd });
  const window = (JSON.parse(weekly.stdout) as { window: { until: string } }).window;
  lastDay = new Date(Date.parse(`${window.until}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}, 180_000);

afterAll(async () => {
  await rx.close();
  await rm(cwd, { recursive: true, force: true });
});

const noNames = (text: string) => {
  for (const name of names) expect(text).not.toContain(name);
};

describe('report weekly --notify teams|email|webhook', () => {
  it.each([
    ['teams', () => rx.on('/teams')],
    ['webhook', () => rx.on('/hook')],
    ['email', () => rx.mail.map((m) => ({ body: m.raw }))],
  ] as const)(
    'sends one message to %s, as an org-wide viewer sees it',
    async (channel, got) => {
      const r = await mileage(
        ['report', 'weekly', '--db', 'g.duckdb', '--notify', channel, '--format', 'json'],
        {
          cwd,
          env,
        },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(got()).toHaveLength(1);
      noNames(got()[0]?.body ?? '');
      expect(r.stdout + r.stderr).not.toContain('cli-secret');
      expect(r.stderr).toContain('Posted the weekly report to');
    },
    60_000,
  );

  it('refuses an unknown channel', async () => {
    const r = await mileage(['report', 'weekly', '--db', 'g.duckdb', '--notify', 'fax'], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--notify expects slack, teams, email, webhook');
  });
});

describe('mileage alerts', () => {
  it('check sends the budget alert once; list shows it', async () => {
    const before = rx.on('/hook').length;
    const first = await mileage(['alerts', 'check', '--db', 'g.duckdb', '--as-of', lastDay, '--json'], {
      cwd,
      env,
    });
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout) as {
      sent: { rule: string; deliveries: Record<string, string> }[];
    };
    const budget = summary.sent.find((s) => s.rule === 'budget.threshold');
    expect(budget?.deliveries).toEqual({ webhook: 'ok' });
    const hooks = rx.on('/hook').slice(before);
    expect(hooks).toHaveLength(summary.sent.length);
    for (const h of hooks) noNames(h.body);

    const again = await mileage(['alerts', 'check', '--db', 'g.duckdb', '--as-of', lastDay, '--json'], {
      cwd,
      env,
    });
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { sent: unknown[] }).sent).toHaveLength(0);
    expect(rx.on('/hook').length).toBe(before + hooks.length);

    const list = await mileage(['alerts', 'list', '--db', 'g.duckdb', '--json'], { cwd });
    expect(list.code, list.stderr).toBe(0);
    const alerts = (JSON.parse(list.stdout) as { alerts: { rule: string; level: number }[] }).alerts;
    expect(alerts.find((a) => a.rule === 'budget.threshold')?.level).toBe(100);
    noNames(list.stdout);
  }, 120_000);

  it('org errors in budgets name the file, line and field', async () => {
    await writeFile(
      join(cwd, 'bad.yaml'),
      'org: acme\nteams:\n  - { id: pay, name: Pay }\nbudgets:\n  - { scope: team, subject: nope, amount: -5, period: month }\n',
    );
    const r = await mileage(['alerts', 'check', '--db', 'g.duckdb', '--config', 'bad.yaml'], { cwd });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/bad\.yaml:5:\d+ budgets\[0\]\.amount: expected an amount in USD above 0/);
  });
});
