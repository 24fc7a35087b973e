import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayServer } from '../support/replay-server.js';
import { mileage } from './cli.js';

const env = { GH_COPILOT_TOKEN: 'ghp_e2eCopilotToken000000000001', TZ: 'UTC' };
const today = new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

let server: ReplayServer;
let cwd: string;
beforeAll(async () => {
  server = await ReplayServer.start();
  server.route('GET', '/orgs/acme/copilot/billing/seats', () => ({
    json: {
      total_seats: 2,
      seats: [
        {
          created_at: '2026-01-05T10:00:00Z',
          last_activity_at: daysAgo(2),
          plan_type: 'business',
          assignee: { login: 'ana-gh' },
        },
        {
          created_at: '2026-01-05T10:00:00Z',
          last_activity_at: daysAgo(45),
          plan_type: 'enterprise',
          assignee: { login: 'bo-gh' },
        },
      ],
    },
  }));
  cwd = await mkdtemp(join(tmpdir(), 'mileage-vendors-'));
  await writeFile(
    join(cwd, 'mileage.yaml'),
    `org: acme
privacy: { individuals: visible, min_group_size: 1 }
people:
  - { id: ana, name: Ana, logins: [ana-gh] }
  - { id: bo, name: Bo, logins: [bo-gh] }
sources:
  copilot:
    token_env: GH_COPILOT_TOKEN
    org: acme
    base_url: ${server.url}
    seat_prices: { business: 19, enterprise: 39 }
    usage_reports: false
    premium_requests: false
`,
  );
});
afterAll(async () => {
  await server.close();
  await rm(cwd, { recursive: true, force: true });
});

describe('mileage sync copilot + mileage seats (built CLI against the replay server)', () => {
  it('stores the seats and reports the idle one with its monthly cost; the token is never printed', async () => {
    const sync = await mileage(['sync', '--db', 'v.duckdb', '--json'], { cwd, env });
    expect(sync.code, sync.stderr).toBe(0);
    expect(
      (JSON.parse(sync.stdout) as { sources: { summary: { records: number } }[] }).sources[0]?.summary
        .records,
    ).toBe(2);
    const seats = await mileage(['seats', '--db', 'v.duckdb', '--json', '--idle'], { cwd, env });
    expect(seats.code, seats.stderr).toBe(0);
    const report = JSON.parse(seats.stdout) as {
      asOf: string;
      seats: { holder: string; monthlyPrice: string }[];
      totals: unknown[];
    };
    expect(report.asOf).toBe(today);
    expect(report.seats.map((s) => [s.holder, Number(s.monthlyPrice)])).toEqual([['Bo', 39]]);
    expect(report.totals).toEqual([
      { tool: 'copilot', seats: 2, idle: 1, idleMonthlyCost: '39', idleUnpriced: 0, activeUsers28d: null },
    ]);
    for (const out of [sync, seats]) expect(out.stdout + out.stderr).not.toContain(env.GH_COPILOT_TOKEN);
  });
});
