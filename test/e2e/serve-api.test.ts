import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, mileage } from './cli.js';

let cwd = '';
beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'mileage-serve-api-'));
  const demo = await mileage(['demo', '--engineers', '10', '--months', '3', '--db', 'demo.duckdb'], { cwd });
  expect(demo.code, demo.stderr).toBe(0);
}, 180_000);
afterAll(async () => {
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

describe('mileage serve with the API', () => {
  it('prints the dashboard URL with a session token, and query, report weekly and tokens go through it', async () => {
    // Answers without a server, to compare with the same commands through the server.
    const directQuery = await mileage(
      ['query', 'effectiveness.cost_per_merged_pr', '--by', 'team', '--json', '--db', 'demo.duckdb'],
      { cwd },
    );
    expect(directQuery.code, directQuery.stderr).toBe(0);
    const directCsv = await mileage(
      ['query', 'spend.total', '--by', 'model', '--csv', '--db', 'demo.duckdb'],
      {
        cwd,
      },
    );
    expect(directCsv.code, directCsv.stderr).toBe(0);
    // `--format csv` is the same output as `--csv`; two different outputs asked at once is a usage error.
    const formatCsv = await mileage(
      ['query', 'spend.total', '--by', 'model', '--format', 'csv', '--db', 'demo.duckdb'],
      { cwd },
    );
    expect(formatCsv.stdout).toBe(directCsv.stdout);
    const both = await mileage(['query', 'spend.total', '--json', '--format', 'csv', '--db', 'demo.duckdb'], {
      cwd,
    });
    expect(both.code).not.toBe(0);
    expect(both.stderr).toMatch(/choose one output/);
    const directReport = await mileage(['report', 'weekly', '--json', '--db', 'demo.duckdb'], { cwd });
    expect(directReport.code, directReport.stderr).toBe(0);

    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--db', 'demo.duckdb'], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, TZ: 'UTC', NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    const dashboard = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /^Dashboard: (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)$/m.exec(stdout);
        if (m?.[1]) resolve(m[1]);
      });
      child.on('close', () => reject(new Error(`serve exited early: ${stderr}`)));
    });
    try {
      const url = new URL(dashboard);
      const token = url.hash.slice('#token='.length);
      const me = await fetch(new URL('/api/v1/me', url), { headers: { authorization: `Bearer ${token}` } });
      expect(await me.json()).toMatchObject({ role: 'admin' });
      expect((await fetch(new URL('/api/v1/me', url))).status).toBe(401);
      expect(existsSync(join(cwd, 'demo.duckdb.server.json'))).toBe(true);

      const viaServer = await mileage(
        ['query', 'effectiveness.cost_per_merged_pr', '--by', 'team', '--json', '--db', 'demo.duckdb'],
        { cwd },
      );
      expect(viaServer.code, viaServer.stderr).toBe(0);
      expect(JSON.parse(viaServer.stdout)).toEqual(JSON.parse(directQuery.stdout));
      // The dashboard's CSV download: the same table, the same exact decimals, as the CLI's --csv.
      const csv = await fetch(
        new URL('/api/v1/metrics/spend.total?by=model&format=csv&window=diagnostic', url),
        { headers: { authorization: `Bearer ${token}` } },
      );
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      expect(csv.headers.get('content-disposition')).toMatch(
        /attachment; filename="spend\.total_model_.*\.csv"/,
      );
      const csvText = await csv.text();
      expect(csvText.trimEnd().replace(/\r\n/g, '\n')).toBe(
        directCsv.stdout.trimEnd().replace(/\r\n/g, '\n'),
      );
      expect(csvText.split('\r\n')[0]).toBe(
        'model,spend (USD),share (share),tokens (tokens),tokens per $ (tokens per USD),cache-read share (share),unpriced tokens (tokens),people (people)',
      );
      const report = await mileage(['report', 'weekly', '--json', '--db', 'demo.duckdb'], { cwd });
      expect(report.code, report.stderr).toBe(0);
      expect(JSON.parse(report.stdout)).toEqual(JSON.parse(directReport.stdout));
      const terminal = await mileage(['report', 'weekly', '--db', 'demo.duckdb'], { cwd });
      expect(terminal.stdout).toMatch(/weekly diagnostic/);

      const blocked = await mileage(['ingest', 'outcomes', 'none.csv', '--db', 'demo.duckdb'], { cwd });
      expect(blocked.code).toBe(1);
      expect(blocked.stderr).toMatch(/in use by `mileage serve` at http:\/\/127\.0\.0\.1:\d+/);

      const made = await mileage(
        ['tokens', 'create', '--role', 'viewer', '--name', 'e2e', '--db', 'demo.duckdb'],
        { cwd },
      );
      expect(made.code, made.stderr).toBe(0);
      const viewerToken = made.stdout.trim();
      const asViewer = await fetch(new URL('/api/v1/me', url), {
        headers: { authorization: `Bearer ${viewerToken}` },
      });
      expect(await asViewer.json()).toMatchObject({ role: 'viewer' });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, stderr).toBe(0);
    expect(existsSync(join(cwd, 'demo.duckdb.server.json'))).toBe(false);
    // The token made through the server was stored (hashed) in the store.
    const list = await mileage(['tokens', 'list', '--json', '--db', 'demo.duckdb'], { cwd });
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ role: 'viewer', name: 'e2e' })]);
  }, 120_000);
});
