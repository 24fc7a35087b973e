import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mileage } from './cli.js';

/**
 * Issue 19 item 11: a report that leaves the machine renders as its audience, an org-wide viewer under the
 * org's privacy settings, whoever runs the command. The demo org is switched to `individuals: team` (people
 * named to admins and their managers only) with a minimum group of 3; the owner's own terminal report names
 * people (which proves the checks below can fail), while the Slack message (captured by a local HTTP server
 * standing in for the webhook) and every format written to a pipe name nobody and no team under 3 people.
 */
let cwd: string;
let people: string[];
let smallTeams: string[];
let hook: Server;
let url: string;
const posted: string[] = [];

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'mileage-audience-'));
  const demo = await mileage(
    ['demo', '--db', 'r.duckdb', '--seed', '5', '--engineers', '10', '--months', '3', '--out', 'demo'],
    { cwd },
  );
  expect(demo.code, demo.stderr).toBe(0);
  const orgText = await readFile(join(cwd, 'demo', 'mileage.yaml'), 'utf8');
  people = [...orgText.matchAll(/name: "([^"]+)"/g)].map((m) => m[1] as string);
  expect(people.length).toBe(10);
  // 10 engineers: Payments 3, Platform 3, Frontend 2, Data 2 — the last two under the minimum of 3.
  smallTeams = ['Frontend', 'Data'];
  await writeFile(
    join(cwd, 'team.yaml'),
    `${orgText.replace('individuals: visible', 'individuals: team')}\nnotify:\n  slack:\n    webhook_env: ACME_SLACK_HOOK\n`,
  );
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      posted.push(body);
      res.writeHead(200);
      res.end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/services/T1/B1/hook`;
}, 180_000);

afterAll(async () => {
  await new Promise((r) => hook?.close(r));
  await rm(cwd, { recursive: true, force: true });
});

const report = (args: string[]) =>
  mileage(['report', 'weekly', '--db', 'r.duckdb', '--config', 'team.yaml', ...args], {
    cwd,
    env: { ACME_SLACK_HOOK: url },
  });

/** Names of people and of teams under the minimum found in a text. */
function identified(text: string): string[] {
  return [
    ...people.filter((n) => text.includes(n)),
    ...smallTeams.filter((t) => new RegExp(`\\b(team|in) ${t}\\b`).test(text)),
  ];
}

describe('reports render as their audience', () => {
  it("the owner's report, asked for, names people and warns that it went to a pipe", async () => {
    const r = await report(['--as', 'owner', '--format', 'markdown']);
    expect(r.code, r.stderr).toBe(0);
    expect(identified(r.stdout).length).toBeGreaterThan(0);
    expect(r.stderr).toContain('written to a pipe as owner (--as)');
    // The first name of the option still works.
    const old = await report(['--audience', 'owner', '--format', 'markdown']);
    expect(old.code, old.stderr).toBe(0);
    expect(identified(old.stdout).length).toBeGreaterThan(0);
  });

  it('Slack gets the org-wide view, naming nobody, even when the command runs as owner', async () => {
    const before = posted.length;
    const r = await report(['--audience', 'owner', '--notify', 'slack', '--format', 'markdown']);
    expect(r.code, r.stderr).toBe(0);
    expect(posted.length).toBe(before + 1);
    const message = posted[posted.length - 1] as string;
    expect(JSON.parse(message)).toHaveProperty('blocks');
    expect(identified(message)).toEqual([]);
    expect(r.stderr).toContain('as an org-wide viewer sees it');
  });

  it('every format written to a pipe or a file is the org-wide view', async () => {
    let channels = 0;
    for (const format of ['terminal', 'markdown', 'html', 'json']) {
      const r = await report(['--format', format]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(200);
      expect(identified(r.stdout), format).toEqual([]);
      expect(r.stderr).not.toContain('holder of the store');
      channels += 1;
    }
    const asked = await report(['--audience', 'viewer', '--format', 'markdown']);
    expect(identified(asked.stdout)).toEqual([]);
    expect(channels).toBe(4);
    const bad = await report(['--as', 'everyone']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--as expects viewer, owner or manager:TEAM');
  });
});
