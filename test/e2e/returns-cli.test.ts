import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mileage } from './cli.js';

let cwd: string;
let names: string[];
beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'mileage-returns-'));
  const demo = await mileage(
    ['demo', '--db', 'r.duckdb', '--seed', '5', '--engineers', '10', '--months', '3', '--out', 'demo'],
    { cwd },
  );
  expect(demo.code, demo.stderr).toBe(0);
  const orgText = await readFile(join(cwd, 'demo', 'mileage.yaml'), 'utf8');
  names = [...orgText.matchAll(/name: "([^"]+)"/g)].map((m) => m[1] as string);
  expect(names.length).toBe(10);
  const hidden = `${orgText.replace('individuals: visible', 'individuals: hidden')}\nnotify:\n  slack:\n    webhook_env: ACME_SLACK_HOOK\n`;
  await writeFile(join(cwd, 'hidden.yaml'), hidden);
}, 120_000);
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe('return metrics through the CLI', () => {
  it('mileage query answers a new metric by team, and refuses a dimension it cannot group by', async () => {
    const r = await mileage(['query', 'quality.rework_tax', '--by', 'team', '--db', 'r.duckdb', '--json'], {
      cwd,
    });
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout) as {
      metric: string;
      by: string;
      rows: { values: { pr_share: number } }[];
    };
    expect(t).toMatchObject({ metric: 'quality.rework_tax', by: 'team' });
    expect(t.rows.length).toBeGreaterThan(1);
    const bad = await mileage(['query', 'quality.rework_tax', '--by', 'model', '--db', 'r.duckdb'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('can be grouped by team, person, repository, workflow');
    const text = await mileage(['query', 'trajectory.growth', '--db', 'r.duckdb'], { cwd });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/13 weeks: spend \d+\.\dx, delivery \d+\.\dx/);
  });

  it('mileage whatif re-prices on a cheaper model: alert triage on Opus would cost far less on Haiku', async () => {
    const r = await mileage(
      ['whatif', '--model', 'claude-haiku-4-5', '--by', 'workflow', '--db', 'r.duckdb', '--json'],
      { cwd },
    );
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout) as { rows: { key: string; values: { saving_share: number } }[] };
    expect(t.rows.find((x) => x.key === 'alert-triage')?.values.saving_share).toBeGreaterThan(0.8);
  });

  it('report weekly --notify slack posts Block Kit to the webhook named in mileage.yaml, naming nobody', async () => {
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(bodies.length === 1 ? 503 : 200);
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T1/B1/s3cr3t`;
    try {
      const r = await mileage(
        [
          'report',
          'weekly',
          '--db',
          'r.duckdb',
          '--config',
          'hidden.yaml',
          '--notify',
          'slack',
          '--format',
          'markdown',
        ],
        { cwd, env: { ACME_SLACK_HOOK: url } },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(bodies).toHaveLength(2); // a 503, then the retry
      const msg = JSON.parse(bodies[1] as string) as { text: string; blocks: { type: string }[] };
      expect(msg.blocks[0]?.type).toBe('header');
      expect(msg.text).toMatch(/of AI spend, \d+ merged PRs/);
      for (const name of names) expect(bodies[1]).not.toContain(name);
      expect(r.stdout + r.stderr).not.toContain('s3cr3t');
      expect(r.stderr).toContain('Posted the weekly report to Slack (ACME_SLACK_HOOK)');
    } finally {
      await new Promise((r) => server.close(r));
    }
    const missing = await mileage(['report', 'weekly', '--db', 'r.duckdb', '--notify', 'slack'], { cwd });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('MILEAGE_SLACK_WEBHOOK');
  });
});
